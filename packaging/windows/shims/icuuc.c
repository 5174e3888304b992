/* icuuc.dll for Wine 8.0 prefixes only (never shipped: packaging/windows/build-wine.sh checks).
 *
 * Qt6Core.dll of PySide6 >= 6.10 links Windows 10's system ICU (icuuc.dll), which Wine 8.0
 * does not have, so Qt would not even load. Qt calls these converters only for legacy text
 * codecs (QStringConverter with a non-Unicode name); the show uses none. Every converter is
 * reported as unsupported, so Qt falls back to its own UTF-8/UTF-16 code. The build checks
 * that this file exports every ucnv_* function Qt6Core.dll imports, so a new Qt that needs
 * more fails the build instead of failing to start.
 */
#include <stddef.h>
#include <stdint.h>

#define EXPORT __declspec(dllexport)
#define U_UNSUPPORTED_ERROR 16
typedef int UErrorCode;
typedef uint16_t UChar;

static void unsupported(UErrorCode *err)
{
    if (err != NULL && *err <= 0) /* U_FAILURE(x) is x > 0: keep an earlier failure */
        *err = U_UNSUPPORTED_ERROR;
}

EXPORT void *ucnv_open(const char *name, UErrorCode *err) { (void)name; unsupported(err); return NULL; }
EXPORT void ucnv_close(void *cnv) { (void)cnv; }
EXPORT void ucnv_reset(void *cnv) { (void)cnv; }
EXPORT int8_t ucnv_getMaxCharSize(const void *cnv) { (void)cnv; return 1; }
EXPORT const char *ucnv_getName(const void *cnv, UErrorCode *err) { (void)cnv; unsupported(err); return ""; }
EXPORT const char *ucnv_getStandardName(const char *name, const char *standard, UErrorCode *err)
{ (void)name; (void)standard; unsupported(err); return NULL; }
EXPORT const char *ucnv_getAvailableName(int32_t n) { (void)n; return NULL; }
EXPORT int32_t ucnv_countAvailable(void) { return 0; }
EXPORT int32_t ucnv_toUCountPending(const void *cnv, UErrorCode *err) { (void)cnv; unsupported(err); return 0; }
EXPORT int32_t ucnv_fromUCountPending(const void *cnv, UErrorCode *err) { (void)cnv; unsupported(err); return 0; }

EXPORT void ucnv_getToUCallBack(const void *cnv, void **action, const void **context)
{ (void)cnv; *action = NULL; *context = NULL; }
EXPORT void ucnv_getFromUCallBack(const void *cnv, void **action, const void **context)
{ (void)cnv; *action = NULL; *context = NULL; }
EXPORT void ucnv_setToUCallBack(void *cnv, void *action, const void *context, void **old_action,
                                const void **old_context, UErrorCode *err)
{
    (void)cnv; (void)action; (void)context;
    if (old_action != NULL) *old_action = NULL;
    if (old_context != NULL) *old_context = NULL;
    unsupported(err);
}
EXPORT void ucnv_setFromUCallBack(void *cnv, void *action, const void *context, void **old_action,
                                  const void **old_context, UErrorCode *err)
{
    (void)cnv; (void)action; (void)context;
    if (old_action != NULL) *old_action = NULL;
    if (old_context != NULL) *old_context = NULL;
    unsupported(err);
}
EXPORT void ucnv_cbToUWriteUChars(void *args, const UChar *source, int32_t length, int32_t offset,
                                  UErrorCode *err)
{ (void)args; (void)source; (void)length; (void)offset; unsupported(err); }
EXPORT void ucnv_cbFromUWriteUChars(void *args, const UChar **source, const UChar *limit,
                                    int32_t offset, UErrorCode *err)
{ (void)args; (void)source; (void)limit; (void)offset; unsupported(err); }
EXPORT void ucnv_toUnicode(void *cnv, UChar **target, const UChar *target_limit, const char **source,
                           const char *source_limit, int32_t *offsets, int8_t flush, UErrorCode *err)
{
    (void)cnv; (void)target; (void)target_limit; (void)source; (void)source_limit;
    (void)offsets; (void)flush; unsupported(err);
}
EXPORT void ucnv_fromUnicode(void *cnv, char **target, const char *target_limit, const UChar **source,
                             const UChar *source_limit, int32_t *offsets, int8_t flush, UErrorCode *err)
{
    (void)cnv; (void)target; (void)target_limit; (void)source; (void)source_limit;
    (void)offsets; (void)flush; unsupported(err);
}
/* The standard callbacks: Qt passes their addresses to ucnv_set*CallBack, never calls them. */
EXPORT void UCNV_FROM_U_CALLBACK_SUBSTITUTE(const void *context, void *args, const UChar *units,
                                            int32_t length, int32_t code_point, int reason,
                                            UErrorCode *err)
{ (void)context; (void)args; (void)units; (void)length; (void)code_point; (void)reason; (void)err; }
EXPORT void UCNV_TO_U_CALLBACK_SUBSTITUTE(const void *context, void *args, const char *units,
                                          int32_t length, int reason, UErrorCode *err)
{ (void)context; (void)args; (void)units; (void)length; (void)reason; (void)err; }
