#!/usr/bin/env bash
# Makes what mutual TLS between cluster nodes needs (PROTOCOL.md section 7, cluster.tls.*):
# a certificate authority, and for each NAME a certificate signed by it, in a PKCS#12 file.
#
#   scripts/cluster-certs.sh DIR NAME...       e.g. scripts/cluster-certs.sh certs node1 node2 node3
#
# DIR/ca.pem          the CA's certificate: every node's cluster.tls.ca
# DIR/ca.key          the CA's private key: keep it off the nodes (it makes new members)
# DIR/NAME.p12        NAME's certificate and private key: that node's cluster.tls.certificate
# DIR/NAME.password   its password (cluster.tls.password = "env:…" keeps it out of config files)
# An existing CA in DIR is reused, so nodes can be added later. Needs openssl.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 DIR NAME..." >&2; exit 2; }
dir=$1; shift
mkdir -p "$dir"; chmod 700 "$dir"
if [ ! -f "$dir/ca.key" ]; then
  openssl req -x509 -newkey rsa:3072 -sha256 -days 3650 -nodes -subj "/CN=ActorSockets cluster CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
  chmod 600 "$dir/ca.key"
  echo "made $dir/ca.pem (the CA) and $dir/ca.key (keep it safe, off the nodes)"
fi
for name in "$@"; do
  openssl req -newkey rsa:3072 -sha256 -nodes -subj "/CN=$name" -keyout "$dir/$name.key" -out "$dir/$name.csr" 2>/dev/null
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n' >"$dir/$name.ext"
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 825 -sha256 \
    -extfile "$dir/$name.ext" -out "$dir/$name.crt" 2>/dev/null
  password=$(openssl rand -hex 16)
  openssl pkcs12 -export -inkey "$dir/$name.key" -in "$dir/$name.crt" -name "$name" -passout "pass:$password" -out "$dir/$name.p12"
  printf '%s\n' "$password" >"$dir/$name.password"
  chmod 600 "$dir/$name.p12" "$dir/$name.password"
  rm -f "$dir/$name.key" "$dir/$name.csr" "$dir/$name.ext" "$dir/$name.crt"
  echo "made $dir/$name.p12 (password in $dir/$name.password)"
done
