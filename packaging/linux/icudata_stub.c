/* An empty ICU data library, standing in for PySide6's 32 MB libicudata.so.NN.
 *
 * Qt links ICU for features the show never uses: QCollator, legacy text codecs and
 * locale-specific case mapping. Layout, line breaking, Chinese text and time zones go
 * through Qt's own Unicode tables and Python. ICU with this stub behaves as ICU built
 * with its own "stubdata": every data lookup reports U_FILE_ACCESS_ERROR (or finds the
 * .dat file named by $ICU_DATA), which Qt handles by falling back to its own code.
 *
 * This is the same layout as ICU's source/stubdata/stubdata.cpp. Build (kiosk.spec does):
 *   cc -shared -fPIC -O2 -DICU_ENTRY=icudt73_dat -Wl,-soname,libicudata.so.73 \
 *      -o libicudata.so.73 icudata_stub.c
 */
#include <stdint.h>

typedef struct {
    uint16_t size, reservedWord;
    uint8_t isBigEndian, charsetFamily, sizeofUChar, reservedByte;
    uint8_t dataFormat[4], formatVersion[4], dataVersion[4];
} UDataInfo;

typedef struct {
    uint16_t headerSize;
    uint8_t magic1, magic2;
    UDataInfo info;
    char padding[8];
    uint32_t count, reserved;
    int fakeNameAndData[4];
} ICU_Data_Header;

__attribute__((visibility("default"))) const ICU_Data_Header ICU_ENTRY = {
    .headerSize = 32,
    .magic1 = 0xda,
    .magic2 = 0x27,
    .info = {
        .size = sizeof(UDataInfo),
        .isBigEndian = 0,   /* x86-64, aarch64: little endian */
        .charsetFamily = 0, /* ASCII */
        .sizeofUChar = 2,
        .dataFormat = {0x43, 0x6d, 0x6e, 0x44}, /* "CmnD": ICU common data */
        .formatVersion = {1, 0, 0, 0},
    },
    .count = 0, /* no entries: every lookup falls through to $ICU_DATA, then fails cleanly */
};
