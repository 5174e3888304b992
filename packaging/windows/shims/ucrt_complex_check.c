/* Proves the ucrtbase bridge in a Wine prefix (run by build-wine.sh after ucrtbase_bridge.py):
 * calls the five complex accessors through ucrtbase.dll, as numpy does, and prints "ok".
 * Without the bridge, Wine 8.0 aborts on the first call ("unimplemented function
 * ucrtbase.dll.crealf called"). Never shipped.
 */
#include <stdio.h>
#include <windows.h>

typedef struct { float re, im; } fcomplex;     /* _Fcomplex: 8 bytes, by value in RCX */
typedef struct { double re, im; } dcomplex;    /* _Dcomplex, _Lcomplex: by reference */

int main(void)
{
    HMODULE crt = LoadLibraryA("ucrtbase.dll");
    if (crt == NULL) { printf("no ucrtbase.dll\n"); return 2; }
    float (*crealf_)(fcomplex) = (float (*)(fcomplex))(void *)GetProcAddress(crt, "crealf");
    float (*cimagf_)(fcomplex) = (float (*)(fcomplex))(void *)GetProcAddress(crt, "cimagf");
    double (*cimag_)(dcomplex) = (double (*)(dcomplex))(void *)GetProcAddress(crt, "cimag");
    double (*creall_)(dcomplex) = (double (*)(dcomplex))(void *)GetProcAddress(crt, "creall");
    double (*cimagl_)(dcomplex) = (double (*)(dcomplex))(void *)GetProcAddress(crt, "cimagl");
    if (!crealf_ || !cimagf_ || !cimag_ || !creall_ || !cimagl_) { printf("missing export\n"); return 2; }
    fcomplex f = {1.5f, -2.25f};
    dcomplex d = {3.125, -4.5};
    int ok = crealf_(f) == 1.5f && cimagf_(f) == -2.25f && cimag_(d) == -4.5
             && creall_(d) == 3.125 && cimagl_(d) == -4.5;
    if (ok) { printf("ok\n"); return 0; }
    printf("wrong values: %g %g %g %g %g\n", crealf_(f), cimagf_(f), cimag_(d), creall_(d), cimagl_(d));
    return 1;
}
