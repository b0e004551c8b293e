// cards.js — local RFID cards (PERSONAL mode): read a tapped card, write it to a slot, remove one.
'use strict';

async function load() {
	const c = await WL.api('GET', '/api/cards');
	const body = document.getElementById('slots');
	body.replaceChildren();
	for (const card of c.cards) {
		body.append(WL.el('tr', { dataset: { slot: String(card.slot) } },
			WL.el('td', {}, 'Card ' + card.slot),
			WL.el('td', { className: 'uid' }, card.uid || '—'),
			WL.el('td', {},
				WL.el('button', { type: 'button', className: 'write', onclick: () => write(card.slot) }, 'Write card ' + card.slot),
				WL.el('button', { type: 'button', className: 'secondary remove', disabled: !card.uid, onclick: () => remove(card.slot) }, 'Remove'))));
	}
}

async function write(slot) {
	const uid = document.getElementById('uid').value.trim();
	if (!uid) { WL.say('msg', 'Read a card first (or type its number).', 'error'); return; }
	try {
		await WL.api('PUT', '/api/cards/' + slot, { uid });
		WL.say('msg', `Card ${uid} written to slot ${slot}.`, 'ok');
		await load();
	} catch (e) { WL.say('msg', e.message, 'error'); }
}

async function remove(slot) {
	try {
		await WL.api('DELETE', '/api/cards/' + slot);
		WL.say('msg', `Slot ${slot} is empty now.`, 'ok');
		await load();
	} catch (e) { WL.say('msg', e.message, 'error'); }
}

document.addEventListener('DOMContentLoaded', async () => {
	await WL.requireLogin();
	document.getElementById('reader').hidden = false;
	document.getElementById('slots-card').hidden = false;
	try { await load(); } catch (e) { WL.say('msg', e.message, 'error'); }
	const read = document.getElementById('read');
	read.addEventListener('click', async () => {
		read.disabled = true;
		WL.say('msg', 'Hold the card to the reader…', 'info');
		try {
			const r = await WL.api('POST', '/api/cards/read');
			document.getElementById('uid').value = r.uid;
			WL.say('msg', `Card ${r.uid} read: choose the slot to write it to.`, 'ok');
		} catch (e) { WL.say('msg', e.message, 'error'); }
		read.disabled = false;
	});
});
