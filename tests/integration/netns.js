/* netns.js — runs a server inside a private network namespace (`unshare -n`: its own loopback with 127.0.0.1
 * and ::1, plus a veth pair with 10.77.0.1) and reports what it listens on (`ss -ltn`) and which addresses
 * reach it. The test never opens a port on the machine's real network. Needs root (CI runs as root). */
'use strict';
const { execFile, spawnSync } = require('node:child_process');

const OTHER = '10.77.0.1'; /* a non-loopback address inside the namespace */
const PORT = 18123;        /* every port is free in a fresh namespace */

/* null when a namespace can be made here, else why not */
function netnsUnavailable() {
    const r = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up && ss -ltn >/dev/null'], { encoding: 'utf8' });
    if (r.error) return `unshare: ${r.error.message}`;
    return r.status === 0 ? null : `unshare -n failed (${r.status}): ${(r.stderr || '').trim()}`;
}

const SCRIPT = `
set -u
port=$1; shift
ip link set lo up
if ip link add wlv0 type veth peer name wlv1 2>/dev/null; then
    ip addr add ${OTHER}/24 dev wlv0 && ip link set wlv0 up && ip link set wlv1 up
else
    ip addr add ${OTHER}/32 dev lo   # no veth here: a second address on lo still shows a wildcard bind
fi
"$@" >/dev/null 2>"$WL_NETNS_ERR" &
pid=$!
for i in $(seq 150); do
    ss -ltnH "sport = :$port" | grep -q . && break
    kill -0 $pid 2>/dev/null || break
    sleep 0.1
done
sleep 0.2
echo "ss:"
ss -ltnH "sport = :$port" | awk '{print "listen " $4}'
for a in 127.0.0.1 ${OTHER} ::1; do
    if timeout 3 bash -c "exec 3<>/dev/tcp/$a/$port" 2>/dev/null; then echo "reach $a yes"; else echo "reach $a no"; fi
done
if kill -0 $pid 2>/dev/null; then kill $pid; fi
wait $pid
echo "exit $?"
`;

/* Starts argv (a server told to use PORT) in a fresh namespace; returns {listen: ["127.0.0.1:18123", ...],
 * reach: {"127.0.0.1": true, "10.77.0.1": false, "::1": false}, exit, stderr}. */
function probeListen(argv, { env = {} } = {}) {
    const errFile = `/tmp/wl-netns-${process.pid}-${Date.now()}.err`;
    return new Promise((resolve, reject) => {
        execFile('unshare', ['-n', 'bash', '-c', SCRIPT, 'netns', String(PORT), ...argv],
            { env: { ...process.env, ...env, WL_NETNS_ERR: errFile }, encoding: 'utf8', timeout: 60000 },
            (err, stdout) => {
                let stderr = '';
                try { stderr = require('node:fs').readFileSync(errFile, 'utf8'); } catch { /* none */ }
                require('node:fs').rmSync(errFile, { force: true });
                if (err && !stdout) return reject(new Error(`unshare: ${err.message}\n${stderr}`));
                const out = { listen: [], reach: {}, exit: null, stderr };
                for (const line of stdout.split('\n')) {
                    let m;
                    if ((m = /^listen (\S+)$/.exec(line))) out.listen.push(m[1]);
                    else if ((m = /^reach (\S+) (yes|no)$/.exec(line))) out.reach[m[1]] = m[2] === 'yes';
                    else if ((m = /^exit (\d+)$/.exec(line))) out.exit = Number(m[1]);
                }
                resolve(out);
            });
    });
}

/* The address part of an ss "local address:port" ("[::ffff:127.0.0.1]:18123" -> "127.0.0.1"). */
function listenAddress(local) {
    const a = local.slice(0, local.lastIndexOf(':')).replace(/^\[|\]$/g, '').replace(/%.*$/, '');
    return a.startsWith('::ffff:') ? a.slice(7) : a;
}

module.exports = { netnsUnavailable, probeListen, listenAddress, OTHER, PORT };
