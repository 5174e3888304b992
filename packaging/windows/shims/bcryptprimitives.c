/* bcryptprimitives.dll for Wine 8.0 prefixes only (never shipped: build-wine.sh checks).
 *
 * Rust's standard library (>= 1.78) gets its random numbers from
 * bcryptprimitives.dll!ProcessPrng, which Wine 8.0 lacks; pydantic-core is written in Rust,
 * so `import pydantic` fails without it. Windows documents ProcessPrng as "always returns
 * TRUE"; this one fills the buffer from BCryptGenRandom, which Wine has.
 */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size)
{
    while (size > 0) {
        ULONG chunk = size > 0x40000000 ? 0x40000000 : (ULONG)size; /* ULONG counts */
        if (!BCRYPT_SUCCESS(BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG)))
            return FALSE;
        data += chunk;
        size -= chunk;
    }
    return TRUE;
}
