// node_csms.js — the benchmark's "what a developer might write instead": a minimal OCPP 1.6J central
// system on Node with ocpp-rpc in strict mode (every frame validated against the official schemas), no database.
// Usage: node bench/node_csms.js [port]   (serves ws://*:port/<anything>/<id>, subprotocol ocpp1.6)
'use strict';

const path = require('path');
const { RPCServer } = require(path.join(__dirname, '..', 'node_modules', 'ocpp-rpc'));

const port = Number(process.argv[2] || 8080);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    console.error(`node_csms: bad port "${process.argv[2]}"`);
    process.exit(2);
}

const server = new RPCServer({ protocols: ['ocpp1.6'], strictMode: true });
let nextTransactionId = 1;
const accepted = { idTagInfo: { status: 'Accepted' } };

server.on('client', (client) => {
    client.handle('BootNotification', () => ({
        status: 'Accepted',
        currentTime: new Date().toISOString(),
        interval: 300,
    }));
    client.handle('Heartbeat', () => ({ currentTime: new Date().toISOString() }));
    client.handle('StatusNotification', () => ({}));
    client.handle('Authorize', () => accepted);
    client.handle('StartTransaction', () => ({
        transactionId: nextTransactionId++,
        idTagInfo: { status: 'Accepted' },
    }));
    client.handle('StopTransaction', () => accepted);
    client.handle('MeterValues', () => ({}));
});
server.on('error', (err) => console.error('node_csms:', err.message));

server.listen(port).then(
    () => console.error(`node_csms: listening on ws://0.0.0.0:${port}/ocpp/<id> (ocpp1.6, strict)`),
    (err) => {
        console.error(`node_csms: cannot listen on port ${port}: ${err.message}`);
        process.exit(1);
    },
);
for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => server.close({ force: true }).finally(() => process.exit(0)));
}
