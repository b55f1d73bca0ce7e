#!/usr/bin/env bash
# A throwaway IMAP server (Debian dovecot-imapd) for the `dondoc mail` tests.
#   scripts/imap.sh start DIR   config, TLS certificates (a CA of its own and a certificate for
#                               127.0.0.1), a mailbox user, under DIR; dovecot on free loopback
#                               ports (IMAPS, and IMAP with STARTTLS) as a non-root user; waits
#                               until it answers; writes DIR/imap.env
#   scripts/imap.sh stop DIR    stop it (its mail stays under DIR until DIR is removed)
# Dovecot runs as the user who starts it; as root it runs as the system user `dondoc-imap`.
set -euo pipefail
CMD="${1:-}"
DIR="${2:-}"
[ -n "$CMD" ] && [ -n "$DIR" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
USER_NAME="dondoc-imap"
MAIL_USER="vanthu"
MAIL_PASSWORD="mat-khau-thu"

fail() { echo "imap.sh: $*" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

stop() {
  if [ -f "$DIR/run/master.pid" ]; then
    kill "$(cat "$DIR/run/master.pid")" 2>/dev/null || true
    for _ in $(seq 1 50); do [ -f "$DIR/run/master.pid" ] && kill -0 "$(cat "$DIR/run/master.pid")" 2>/dev/null || break; sleep 0.1; done
  fi
}

certificates() {
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=dondoc test CA" \
    -keyout "$DIR/ca.key" -out "$DIR/ca.pem" >/dev/null 2>&1
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$DIR/key.pem" -out "$DIR/server.csr" >/dev/null 2>&1
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > "$DIR/san.ext"
  openssl x509 -req -in "$DIR/server.csr" -CA "$DIR/ca.pem" -CAkey "$DIR/ca.key" -CAcreateserial -days 2 \
    -extfile "$DIR/san.ext" -out "$DIR/cert.pem" >/dev/null 2>&1
}

start() {
  command -v dovecot >/dev/null || fail "dovecot is not installed (Debian package dovecot-imapd; make test installs it)"
  stop
  mkdir -p "$DIR/run" "$DIR/state" "$DIR/mail"
  local run_user run_group
  if [ "$(id -u)" = 0 ]; then
    id "$USER_NAME" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$USER_NAME"
    run_user="$USER_NAME"; run_group="$(id -gn "$USER_NAME")"
  else
    run_user="$(id -un)"; run_group="$(id -gn)"
  fi
  certificates
  local imaps imap
  imaps=$(free_port); imap=$(free_port)
  printf '%s:{PLAIN}%s\n' "$MAIL_USER" "$MAIL_PASSWORD" > "$DIR/users"
  cat > "$DIR/dovecot.conf" <<CONF
base_dir = $DIR/run
state_dir = $DIR/state
log_path = $DIR/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <$DIR/cert.pem
ssl_key = <$DIR/key.pem
disable_plaintext_auth = yes
auth_mechanisms = plain login
default_internal_user = $run_user
default_internal_group = $run_group
default_login_user = $run_user
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $DIR/users
}
userdb {
  driver = static
  args = uid=$run_user gid=$run_group home=$DIR/mail/%u
}
mail_location = maildir:~/Maildir
namespace inbox {
  inbox = yes
  separator = /
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = $imap
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $imaps
    ssl = yes
  }
}
service anvil {
  chroot =
}
service stats {
  chroot =
}
CONF
  [ "$run_user" = "$(id -un)" ] || chown -R "$run_user:$run_group" "$DIR"
  chmod 600 "$DIR/key.pem" "$DIR/ca.key"
  local cmd=(/usr/sbin/dovecot -c "$DIR/dovecot.conf")
  if [ "$(id -u)" = 0 ]; then
    setpriv --reuid="$run_user" --regid="$run_group" --init-groups "${cmd[@]}" >"$DIR/stdout.log" 2>&1 </dev/null \
      || fail "dovecot did not start (see $DIR/dovecot.log)"
  else
    "${cmd[@]}" >"$DIR/stdout.log" 2>&1 </dev/null || fail "dovecot did not start (see $DIR/dovecot.log)"
  fi
  for _ in $(seq 1 100); do
    if python3 - "$imaps" "$DIR/ca.pem" <<'PY' 2>/dev/null
import imaplib, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[2])
imaplib.IMAP4_SSL("127.0.0.1", int(sys.argv[1]), ssl_context=ctx, timeout=2).logout()
PY
    then
      printf 'DONDOC_TEST_IMAP_HOST=127.0.0.1\nDONDOC_TEST_IMAPS_PORT=%s\nDONDOC_TEST_IMAP_PORT=%s\nDONDOC_TEST_IMAP_USER=%s\nDONDOC_TEST_IMAP_PASSWORD=%s\nDONDOC_TEST_IMAP_CAFILE=%s\n' \
        "$imaps" "$imap" "$MAIL_USER" "$MAIL_PASSWORD" "$DIR/ca.pem" > "$DIR/imap.env"
      echo "dovecot ready on 127.0.0.1:$imaps (IMAPS) and :$imap (STARTTLS)"
      return
    fi
    sleep 0.1
  done
  fail "dovecot did not answer on 127.0.0.1:$imaps (see $DIR/dovecot.log)"
}

case "$CMD" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
