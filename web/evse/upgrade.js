// upgrade.js — firmware upgrade: the file as the raw body of POST /api/firmware?md5=<hex>; the station
// answers {"result":"100 UP"} or {"error":{"code":"E0x",...}} (the codes its display shows).
'use strict';

const MEANING = {
	E01: 'upgrade unsuccessful', E02: 'the MD5 checksum does not match the file', E03: 'upgrade time-out',
	E04: 'the file is not a firmware image for this station',
};

document.addEventListener('DOMContentLoaded', async () => {
	await WL.requireLogin();
	const form = document.getElementById('upgrade');
	form.hidden = false;
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		const file = document.getElementById('file').files[0];
		const md5 = document.getElementById('md5').value.trim().toLowerCase();
		if (!file) { WL.say('msg', 'Choose the firmware file.', 'error'); return; }
		if (!/^[0-9a-f]{32}$/.test(md5)) { WL.say('msg', 'The MD5 checksum is 32 hexadecimal digits.', 'error'); return; }
		const send = document.getElementById('send');
		send.disabled = true;
		WL.say('msg', `Uploading ${file.name} (${file.size} bytes)…`, 'info');
		try {
			const r = await WL.api('POST', '/api/firmware?md5=' + md5, undefined, { raw: file });
			WL.say('msg', (r && r.result) === '100 UP' ? '100 UP — upgrade successful.' : 'Answer: ' + JSON.stringify(r), 'ok');
		} catch (e) {
			const code = String(e.code || '').slice(0, 3);
			WL.say('msg', MEANING[code] ? `${code} UP — ${MEANING[code]}. ${e.message}` : e.message, 'error');
		}
		send.disabled = false;
	});
});
