; Windows installer for kiosk: 64-bit, per-machine, with an uninstaller and an
; Add/Remove Programs entry. Installs the PyInstaller onedir bundle built for Windows: by
; `make package-windows` under Wine (packaging/windows/build-wine.sh) or on windows-latest
; by .github/workflows/release.yml.
;
;   makensis -DVERSION=0.1.0 -DPAYLOAD=build\bundle\kiosk -DOUTFILE=dist\kiosk-0.1.0-windows-x64-setup.exe packaging\windows\kiosk.nsi
;
; makensis runs from this folder: give PAYLOAD and OUTFILE as absolute paths.
; PAYLOAD is the onedir folder (kiosk.exe, kioskw.exe, _internal). EXE names the console
; program (default kiosk.exe: `kiosk check` prints), EXEW the windowed one the shortcuts and
; autostart use (default kioskw.exe). See packaging/README.md.

Unicode true
Target amd64-unicode
ManifestDPIAware true
SetCompressor /SOLID lzma

!ifndef VERSION
  !error "pass -DVERSION=x.y.z (kiosk/__init__.py's __version__)"
!endif
!ifndef PAYLOAD
  !error "pass -DPAYLOAD=<PyInstaller onedir folder>"
!endif
!ifndef EXE
  !define EXE "kiosk.exe"
!endif
!ifndef EXEW
  !define EXEW "kioskw.exe"
!endif
!ifndef OUTFILE
  !define OUTFILE "kiosk-${VERSION}-windows-x64-setup.exe"
!endif

!define APP "kiosk"
!define PUBLISHER "kiosk maintainers"
!define ARP_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP}"
; The same value `kiosk autostart enable|disable` writes and removes (kiosk/autostart.py).
!define RUN_KEY "Software\Microsoft\Windows\CurrentVersion\Run"
!define RUN_VALUE "kiosk"

Name "${APP} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\${APP}"
InstallDirRegKey HKLM "${ARP_KEY}" "InstallLocation"
RequestExecutionLevel admin
BrandingText "${APP} ${VERSION}"

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=0 "ProductName" "${APP}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=0 "FileDescription" "${APP} exhibition-hall show installer"
VIAddVersionKey /LANG=0 "LegalCopyright" "MIT License, (c) ${PUBLISHER}"

!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "x64.nsh"

!define MUI_ICON "../icons/kiosk.ico"
!define MUI_UNICON "../icons/kiosk.ico"
!define MUI_ABORTWARNING
!define MUI_COMPONENTSPAGE_NODESC
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXEW}"
!define MUI_FINISHPAGE_RUN_PARAMETERS "run"
!define MUI_FINISHPAGE_RUN_NOTCHECKED

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_LICENSE "../../LICENSE"
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "SimpChinese"

LangString SEC_APP ${LANG_ENGLISH} "kiosk (required)"
LangString SEC_APP ${LANG_SIMPCHINESE} "kiosk（必需）"
LangString SEC_MENU ${LANG_ENGLISH} "Start menu shortcuts"
LangString SEC_MENU ${LANG_SIMPCHINESE} "开始菜单快捷方式"
LangString SEC_AUTO ${LANG_ENGLISH} "Start with Windows (supervised show of the demo deck)"
LangString SEC_AUTO ${LANG_SIMPCHINESE} "开机自动启动（带守护进程）"
LangString NOT_64 ${LANG_ENGLISH} "kiosk needs 64-bit Windows."
LangString NOT_64 ${LANG_SIMPCHINESE} "kiosk 需要 64 位 Windows。"

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "$(NOT_64)"
    Abort
  ${EndIf}
  SetRegView 64
  ; Per-machine: $SMPROGRAMS is the all-users Start menu (ProgramData), like $PROGRAMFILES64
  ; and the HKLM entry; without this the shortcuts landed in the installing admin's profile.
  SetShellVarContext all
  !insertmacro MUI_LANGDLL_DISPLAY
FunctionEnd

Function un.onInit
  SetRegView 64
  SetShellVarContext all
FunctionEnd

; A running show holds its files open: stop it (and its supervisor) before copying.
!macro StopKiosk
  nsExec::Exec 'taskkill /F /T /IM "${EXEW}"'
  Pop $0
  nsExec::Exec 'taskkill /F /T /IM "${EXE}"'
  Pop $0
!macroend

Section "$(SEC_APP)" SecApp
  SectionIn RO
  !insertmacro StopKiosk
  SetOutPath "$INSTDIR"
  ; An upgrade must not leave files of the old bundle behind.
  RMDir /r "$INSTDIR\_internal"
  File /r "${PAYLOAD}/*"
  File "/oname=README.txt" "README-windows.txt"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  WriteRegStr HKLM "${ARP_KEY}" "DisplayName" "${APP}"
  WriteRegStr HKLM "${ARP_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${ARP_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKLM "${ARP_KEY}" "DisplayIcon" "$INSTDIR\${EXE},0"
  WriteRegStr HKLM "${ARP_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${ARP_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${ARP_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegStr HKLM "${ARP_KEY}" "Comments" "Exhibition-hall show: figures, live charts, photos"
  WriteRegDWORD HKLM "${ARP_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${ARP_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKLM "${ARP_KEY}" "EstimatedSize" "$0"
SectionEnd

Section "$(SEC_MENU)" SecMenu
  CreateDirectory "$SMPROGRAMS\${APP}"
  CreateShortcut "$SMPROGRAMS\${APP}\kiosk.lnk" "$INSTDIR\${EXEW}" "run" "$INSTDIR\${EXE}" 0
  CreateShortcut "$SMPROGRAMS\${APP}\kiosk (window).lnk" "$INSTDIR\${EXEW}" "run --windowed" \
    "$INSTDIR\${EXE}" 0
  CreateShortcut "$SMPROGRAMS\${APP}\Uninstall kiosk.lnk" "$INSTDIR\uninstall.exe"
SectionEnd

; Unchecked by default (/o). Writes the same Run value as `kiosk autostart enable`, so
; `kiosk autostart disable` (or unticking it in Task Manager's Startup tab) undoes it.
Section /o "$(SEC_AUTO)" SecAutostart
  WriteRegStr HKCU "${RUN_KEY}" "${RUN_VALUE}" '"$INSTDIR\${EXEW}" "supervise"'
SectionEnd

Section "Uninstall"
  !insertmacro StopKiosk
  DeleteRegValue HKCU "${RUN_KEY}" "${RUN_VALUE}"
  Delete "$SMPROGRAMS\${APP}\*.lnk"
  RMDir "$SMPROGRAMS\${APP}"
  ; Only what the installer put there: decks, logs and cache live in the user's profile
  ; (%LOCALAPPDATA%\kiosk) and stay.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${EXE}"
  Delete "$INSTDIR\${EXEW}"
  Delete "$INSTDIR\README.txt"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKLM "${ARP_KEY}"
SectionEnd
