/* kioskw.exe: the kiosk without a console window, in 30 KB.
 *
 * The Start menu, the Run key and `kiosk supervise` start kioskw.exe. It starts kiosk.exe,
 * the one frozen program, next to it with the same arguments and CREATE_NO_WINDOW (no console
 * window flashes up behind the show), waits for it and returns its exit code. Before #17
 * kioskw.exe was a second PyInstaller executable carrying its own 7.6 MB copy of the Python
 * archive.
 *
 * - kiosk.exe runs in a job object that is killed when this process's handle to it closes:
 *   when the supervisor ends kioskw.exe (a frozen show), the show ends with it.
 * - The standard handles kioskw.exe was given (a pipe or a file, e.g. by a test or a service
 *   wrapper) are passed on; without them kiosk.exe writes to its hidden console.
 * - The show may take the foreground: this process was started by the user (Explorer) and
 *   passes that right on.
 * Exit codes of its own: 70 no path to kiosk.exe, 71 kiosk.exe could not be started.
 * Built by packaging/windows/build-wine.sh with mingw-w64 (never committed as a binary).
 */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <wchar.h>

#define PATH_MAX_W 32768

/* The command line after the program's own name, by the rules CommandLineToArgvW uses for
 * argv[0]: quoted up to the next quote, or up to the first space or tab. */
static const wchar_t *after_program(const wchar_t *line)
{
    const wchar_t *p = line;
    if (*p == L'"') {
        for (p++; *p && *p != L'"'; p++) {}
        if (*p) p++;
    } else {
        for (; *p && *p != L' ' && *p != L'\t'; p++) {}
    }
    while (*p == L' ' || *p == L'\t') p++;
    return p;
}

int WINAPI wWinMain(HINSTANCE instance, HINSTANCE previous, PWSTR args, int show)
{
    (void)instance; (void)previous; (void)args; (void)show;
    static wchar_t exe[PATH_MAX_W];
    DWORD n = GetModuleFileNameW(NULL, exe, PATH_MAX_W);
    wchar_t *slash = n && n < PATH_MAX_W ? wcsrchr(exe, L'\\') : NULL;
    if (!slash || (size_t)(slash - exe) + 11 >= PATH_MAX_W) return 70;
    wcscpy(slash + 1, L"kiosk.exe");

    const wchar_t *rest = after_program(GetCommandLineW());
    size_t size = wcslen(exe) + wcslen(rest) + 4;
    wchar_t *line = HeapAlloc(GetProcessHeap(), 0, size * sizeof(wchar_t));
    if (!line) return 71;
    _snwprintf(line, size, L"\"%ls\" %ls", exe, rest);
    line[size - 1] = L'\0';

    HANDLE job = CreateJobObjectW(NULL, NULL);
    if (job) {
        JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits;
        ZeroMemory(&limits, sizeof limits);
        limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
        SetInformationJobObject(job, JobObjectExtendedLimitInformation, &limits, sizeof limits);
    }

    STARTUPINFOW startup;
    ZeroMemory(&startup, sizeof startup);
    startup.cb = sizeof startup;
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE), out = GetStdHandle(STD_OUTPUT_HANDLE),
           err = GetStdHandle(STD_ERROR_HANDLE);
    if ((in && in != INVALID_HANDLE_VALUE) || (out && out != INVALID_HANDLE_VALUE)
            || (err && err != INVALID_HANDLE_VALUE)) {
        startup.dwFlags |= STARTF_USESTDHANDLES;
        startup.hStdInput = in;
        startup.hStdOutput = out;
        startup.hStdError = err;
    }
    AllowSetForegroundWindow(ASFW_ANY);

    PROCESS_INFORMATION child;
    if (!CreateProcessW(exe, line, NULL, NULL, TRUE, CREATE_NO_WINDOW | CREATE_SUSPENDED,
                        NULL, NULL, &startup, &child))
        return 71;
    if (job) AssignProcessToJobObject(job, child.hProcess);
    ResumeThread(child.hThread);
    CloseHandle(child.hThread);
    WaitForSingleObject(child.hProcess, INFINITE);
    DWORD code = 71;
    GetExitCodeProcess(child.hProcess, &code);
    return (int)code;
}
