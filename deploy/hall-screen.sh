#!/bin/sh
# One hall screen in Chromium's kiosk mode (hall display, counter display, kiosk, pad), started from the screen
# PC's desktop session (autostart) and restarted if the browser ever exits. Usage:
#   hall-screen.sh http://hallq.local:8080/display
#   hall-screen.sh 'http://hallq.local:8080/kiosk?token=…'
# --autoplay-policy: the hall display speaks calls and plays its chime with no one touching the screen.
url="${1:?usage: hall-screen.sh <screen URL>}"
while true; do
  chromium --kiosk --app="$url" \
    --autoplay-policy=no-user-gesture-required \
    --noerrdialogs --disable-infobars --no-first-run --disable-session-crashed-bubble \
    --disable-features=Translate,TranslateUI --disable-pinch --overscroll-history-navigation=0 \
    --check-for-update-interval=31536000 --user-data-dir="${HOME}/.config/hallq-screen"
  sleep 2
done
