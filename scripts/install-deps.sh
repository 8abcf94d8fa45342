#!/usr/bin/env bash
# Installs what Farsight needs on Debian 12 (bookworm), only the packages that are missing.
# Usage: scripts/install-deps.sh [--no-gui]
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates python3 python3-pip
  nlohmann-json3-dev libpcre2-dev libicu-dev libopenblas-dev libgtest-dev libgmock-dev libbenchmark-dev
  libsqlite3-dev libpoppler-cpp-dev poppler-utils
)
gui_packages=(
  qt6-base-dev qt6-declarative-dev qt6-tools-dev libpoppler-qt6-dev
  qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-layouts qml6-module-qtquick-window
  qml6-module-qtquick-templates qml6-module-qtqml-workerscript qml6-module-qtquick-dialogs
  qml6-module-qt-labs-platform qml6-module-qt-labs-settings qml6-module-qt-labs-folderlistmodel qt6-svg-dev
)
if [[ "${1:-}" != "--no-gui" ]]; then packages+=("${gui_packages[@]}"); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: everything is installed"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
