<#
.SYNOPSIS
  Build LiangXin Reporter on 64-bit Windows 10/11: the program folder, its self-test, and the installer.

.DESCRIPTION
  1. checks for 64-bit Windows 10 or later and a 64-bit Python 3.11 or newer;
  2. makes a virtual environment in build\venv-windows and installs the project with PyInstaller
     (pip install -e ".[build]");
  3. builds the one-folder program from build.spec into dist\liangxin
     (liangxin.exe for the desktop, liangxin-cli.exe for the command line);
  4. runs the frozen self-test, dist\liangxin\liangxin-cli.exe selftest, and checks the 150 MB budget;
  5. compiles packaging\windows\liangxin.iss with Inno Setup 6 into dist\LiangXin-Setup-<version>.exe.

.PARAMETER Python
  The Python to build with. Default: the newest Python 3 of the py launcher, else python on PATH.

.PARAMETER InnoSetup
  Full path of ISCC.exe, when Inno Setup 6 is not installed in its usual folder.

.PARAMETER SkipInstaller
  Stop after the program folder and its self-test (Inno Setup is then not needed).

.EXAMPLE
  powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1

.EXAMPLE
  powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1 -Python C:\Python312\python.exe -SkipInstaller
#>
[CmdletBinding()]
param(
  [string]$Python = "",
  [string]$InnoSetup = "",
  [switch]$SkipInstaller
)

$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest
$BudgetBytes = 150e6
$Root = (Resolve-Path (Join-Path $PSScriptRoot "..\..")).Path
Set-Location $Root

function Write-Step([string]$Text) {
  Write-Host ""
  Write-Host "==> $Text" -ForegroundColor Cyan
}

# Run a program; stop the build with its name and exit code when it fails. Programs such as pip write
# warnings to stderr, which must not count as failures, so only the exit code decides.
function Invoke-Checked([string]$Program, [string[]]$Arguments) {
  $previous = $ErrorActionPreference
  $ErrorActionPreference = "Continue"
  try {
    & $Program @Arguments
    $code = $LASTEXITCODE
  } finally {
    $ErrorActionPreference = $previous
  }
  if ($code -ne 0) {
    throw "'$Program $($Arguments -join ' ')' failed with exit code $code"
  }
}

Write-Step "Windows"
$os = Get-CimInstance Win32_OperatingSystem
if (-not [Environment]::Is64BitOperatingSystem -or [version]$os.Version -lt [version]"10.0.17763") {
  throw "Qt 6 needs 64-bit Windows 10 (1809) or later; this is $($os.Caption) $($os.Version) $($os.OSArchitecture)."
}
Write-Host "$($os.Caption) $($os.Version) $($os.OSArchitecture)"

Write-Step "Python"
if (-not $Python) {
  if (Get-Command py -ErrorAction SilentlyContinue) {
    $Python = (& py -3 -c "import sys; print(sys.executable)").Trim()
  } elseif (Get-Command python -ErrorAction SilentlyContinue) {
    $Python = (Get-Command python).Source
  } else {
    throw "Python not found: install 64-bit Python 3.11 or newer from python.org (tick 'Add python.exe to PATH')."
  }
}
$bits, $major, $minor = (& $Python -c "import struct, sys; print(struct.calcsize('P') * 8, *sys.version_info[:2])").Trim().Split(" ")
if ($bits -ne "64") { throw "$Python is a $bits-bit Python; Qt 6 (PySide6) needs a 64-bit Python." }
if ([int]$major -lt 3 -or ([int]$major -eq 3 -and [int]$minor -lt 11)) {
  throw "$Python is Python $major.$minor; the program needs Python 3.11 or newer."
}
Write-Host "$Python (Python $major.$minor, 64-bit)"

Write-Step "Virtual environment build\venv-windows"
$Venv = Join-Path $Root "build\venv-windows"
$VenvPython = Join-Path $Venv "Scripts\python.exe"
if (-not (Test-Path $VenvPython)) {
  Invoke-Checked $Python @("-m", "venv", $Venv)
}
Invoke-Checked $VenvPython @("-m", "pip", "install", "--quiet", "--upgrade", "pip")
Invoke-Checked $VenvPython @("-m", "pip", "install", "--quiet", "-e", ".[build]")
$Version = (& $VenvPython -c "import tomllib; print(tomllib.load(open('pyproject.toml', 'rb'))['project']['version'])").Trim()
Write-Host "LiangXin Reporter $Version"

Write-Step "PyInstaller: build.spec -> dist\liangxin"
Invoke-Checked $VenvPython @("-m", "PyInstaller", "--noconfirm", "--clean", "build.spec")
$Bundle = Join-Path $Root "dist\liangxin"

Write-Step "Frozen self-test"
# The self-test works on temporary files; its log goes to build\ rather than this user's data folder.
$env:LIANGXIN_DATA_DIR = Join-Path $Root "build\selftest-data"
try {
  Invoke-Checked (Join-Path $Bundle "liangxin-cli.exe") @("selftest")
} finally {
  Remove-Item Env:LIANGXIN_DATA_DIR -ErrorAction SilentlyContinue
}

Write-Step "Size budget"
$Bytes = (Get-ChildItem $Bundle -Recurse -File | Measure-Object -Property Length -Sum).Sum
$Megabytes = [math]::Round($Bytes / 1e6, 1)
if ($Bytes -gt $BudgetBytes) {
  Get-ChildItem $Bundle -Recurse -File | Sort-Object Length -Descending | Select-Object -First 15 FullName, Length | Format-Table | Out-Host
  throw "dist\liangxin is $Megabytes MB, over the 150 MB budget."
}
Write-Host "dist\liangxin: $Megabytes MB (budget 150 MB)"

if ($SkipInstaller) {
  Write-Host "Skipping the installer (-SkipInstaller). The program is in $Bundle"
  exit 0
}

Write-Step "Inno Setup: packaging\windows\liangxin.iss"
$Iscc = $InnoSetup
if (-not $Iscc) {
  $candidates = @(
    "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe",
    "$env:ProgramFiles\Inno Setup 6\ISCC.exe",
    "$env:LOCALAPPDATA\Programs\Inno Setup 6\ISCC.exe"
  )
  $Iscc = $candidates | Where-Object { Test-Path $_ } | Select-Object -First 1
  if (-not $Iscc -and (Get-Command iscc -ErrorAction SilentlyContinue)) { $Iscc = (Get-Command iscc).Source }
}
if (-not $Iscc -or -not (Test-Path $Iscc)) {
  throw "Inno Setup 6 not found: install it (winget install JRSoftware.InnoSetup), pass -InnoSetup C:\path\to\ISCC.exe, or use -SkipInstaller."
}
$Output = Join-Path $Root "dist"
Invoke-Checked $Iscc @("/Qp", "/DAppVersion=$Version", "/DBundleDir=$Bundle", "/DOutputDir=$Output",
  (Join-Path $PSScriptRoot "liangxin.iss"))
$Setup = Join-Path $Output "LiangXin-Setup-$Version.exe"
if (-not (Test-Path $Setup)) { throw "Inno Setup finished but $Setup is missing." }
Write-Host ""
Write-Host "Installer: $Setup ($([math]::Round((Get-Item $Setup).Length / 1e6, 1)) MB)" -ForegroundColor Green
