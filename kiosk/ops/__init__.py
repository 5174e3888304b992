"""Services for running a hall of screens: Prometheus metrics and MQTT (#16)."""
