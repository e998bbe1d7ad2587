; Inno Setup script for 两新填报 (LiangXin Reporter): a per-user install that needs no administrator rights.
;
;   ISCC.exe /DAppVersion=0.1.0 /DBundleDir=..\..\dist\liangxin packaging\windows\liangxin.iss
;   (packaging\windows\build.ps1 does this after the PyInstaller build)
;
; Program files go to %LOCALAPPDATA%\Programs\LiangXin. The user's data (database, backups, logs) lives in
; %LOCALAPPDATA%\LiangXin, which this installer never touches: an upgrade keeps it (the program upgrades the
; database schema on first start, after copying it aside) and an uninstall leaves it in place.
; This file is UTF-8 with a byte-order mark, so that Inno Setup reads the Chinese text correctly.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef BundleDir
  #define BundleDir "..\..\dist\liangxin"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif
#define AppName "两新填报"
#define AppExe "liangxin.exe"
#define DataFolder "LiangXin"

; Simplified Chinese wizard texts ship with newer Inno Setup releases; an older one can take the unofficial
; ChineseSimplified.isl placed beside this script. Without either, the wizard speaks English.
#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
  #define ChineseIsl "compiler:Languages\ChineseSimplified.isl"
#elif FileExists(AddBackslash(SourcePath) + "ChineseSimplified.isl")
  #define ChineseIsl AddBackslash(SourcePath) + "ChineseSimplified.isl"
#endif

[Setup]
; AppId identifies the program across versions: never change it, or upgrades install side by side.
AppId={{85725BA7-D437-4B06-AD67-03BFDBE98890}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppName}
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName} LiangXin Reporter
; Per user, no UAC prompt: {autopf} is %LOCALAPPDATA%\Programs, {autoprograms} the user's Start menu.
PrivilegesRequired=lowest
DefaultDirName={autopf}\LiangXin
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
DisableDirPage=auto
UsePreviousAppDir=yes
; Qt 6 runs on 64-bit Windows 10 (1809) or later only.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0.17763
OutputDir={#OutputDir}
OutputBaseFilename=LiangXin-Setup-{#AppVersion}
SetupIconFile=..\..\resources\icons\app.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName} {#AppVersion}
WizardStyle=modern
Compression=lzma2/max
SolidCompression=yes
; An upgrade closes a running copy first (Windows Restart Manager) and offers to restart it afterwards.
CloseApplications=yes
RestartApplications=no
ShowLanguageDialog=auto

[Languages]
#ifdef ChineseIsl
Name: "chinesesimplified"; MessagesFile: "{#ChineseIsl}"
#endif
Name: "english"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
#ifdef ChineseIsl
chinesesimplified.DesktopIcon=在桌面上创建快捷方式
chinesesimplified.LaunchApp=启动两新填报
chinesesimplified.DataKept=程序已卸载。您的数据（数据库、备份和日志）仍保存在：%n%1%n%n如不再需要，可以手动删除这个文件夹。
#endif
english.DesktopIcon=Create a desktop shortcut
english.LaunchApp=Start LiangXin Reporter
english.DataKept=The program was removed. Your data (database, backups and logs) is still in:%n%1%n%nDelete that folder yourself if it is no longer needed.

[Tasks]
Name: "desktopicon"; Description: "{cm:DesktopIcon}"; Flags: unchecked

[InstallDelete]
; A new version replaces the whole bundle, so no library of an older version is left behind to be loaded.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchApp}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete] entry names the data folder: it is the user's, and stays.

[Code]
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and not UninstallSilent then
    MsgBox(FmtMessage(CustomMessage('DataKept'), [ExpandConstant('{localappdata}\{#DataFolder}')]),
      mbInformation, MB_OK);
end;
