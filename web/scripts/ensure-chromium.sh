#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests when it is missing. Browsers are
# never downloaded from the internet by Playwright: only the distribution's package.
# A CJK font comes with it: the page's Chinese labels would otherwise be drawn as boxes
# in the screenshots.
set -euo pipefail
have_cjk() { command -v fc-list >/dev/null && [ -n "$(fc-list :lang=zh 2>/dev/null)" ]; }
if [ -x /usr/bin/chromium ] && have_cjk; then exit 0; fi
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
echo "ensure-chromium: installing Debian's chromium (apt-get)" >&2
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get install -y --no-install-recommends chromium fonts-wqy-zenhei >&2; then
  $SUDO apt-get update >&2
  $SUDO apt-get install -y --no-install-recommends chromium fonts-wqy-zenhei >&2
fi
[ -x /usr/bin/chromium ] || { echo "ensure-chromium: /usr/bin/chromium still missing" >&2; exit 1; }
