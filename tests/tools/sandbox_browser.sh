#!/bin/sh
# A "browser" for end-to-end tests of the OAuth sign-in, started by sample_host through BROWSER: it
# visits the authorize URL it is given, consents (the Sage sandbox's auto-consent mode) and follows
# Sage's redirect to the loopback CallbackURL, as a person's browser would.
#
#   SANDBOX_CA   the sandbox's ca.pem (required)
#   BROWSER_LOG  optional file: the URL received, then the address Sage sent the browser back to
#                (the callback URL with its code), each on a line of its own
#
# sample_host starts it without a shell: the URL arrives as $1 and is only ever quoted here.
set -u
url="$1"
if [ -z "${BROWSER_LOG:-}" ]; then
    exec curl -s -L --max-time 30 --cacert "$SANDBOX_CA" -o /dev/null "$url"
fi
printf '%s\n' "$url" >> "$BROWSER_LOG"
# -L follows the 302 to the CallbackURL (plain http on 127.0.0.1); %{url_effective} is that last URL.
curl -s -L --max-time 30 --cacert "$SANDBOX_CA" -o /dev/null -w '%{url_effective}\n' "$url" >> "$BROWSER_LOG"
