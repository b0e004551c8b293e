// group-users.js — the group's access mode and its authorised users with limits (validity, allowed hours and
// days, maximum sessions and energy): list, add, edit, remove. The Master checks every field; its refusal is
// shown as it comes.
'use strict';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
let editing = 0; // the user being edited, 0: a new one

const $ = (id) => document.getElementById(id);

// datetime-local <-> RFC 3339 (the browser's local time)
function toLocalInput(iso) {
	if (!iso) return '';
	const d = new Date(iso);
	const p = (n) => String(n).padStart(2, '0');
	return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
function fromLocalInput(v) { return v ? new Date(v).toISOString() : null; }

function describe(u) {
	const validity = u.from || u.until ? `${u.from ? WL.time(u.from) : '…'} → ${u.until ? WL.time(u.until) : '…'}` : 'always';
	const hours = (u.hours ? `${u.hours.from}–${u.hours.to}` : 'any hour') + (u.days.length ? `, ${u.days.join(' ')}` : '');
	const limits = [u.maxSessions ? `${u.maxSessions} session${u.maxSessions > 1 ? 's' : ''}` : '', u.maxKwh ? `${u.maxKwh} kWh` : '']
		.filter(Boolean).join(', ') || 'none';
	return { validity, hours, limits };
}

function fillForm(u) {
	editing = u ? u.id : 0;
	$('userTitle').textContent = u ? `Edit ${u.name}` : 'New user';
	$('saveUser').textContent = u ? 'Save user' : 'Add user';
	$('cancelEdit').hidden = !u;
	$('name').value = u ? u.name : '';
	$('cards').value = u ? u.cards.join(', ') : '';
	$('from').value = toLocalInput(u && u.from);
	$('until').value = toLocalInput(u && u.until);
	$('hoursFrom').value = u && u.hours ? u.hours.from : '';
	$('hoursTo').value = u && u.hours ? u.hours.to : '';
	for (const c of document.querySelectorAll('#days input')) c.checked = !!(u && u.days.includes(c.value));
	$('maxSessions').value = u ? u.maxSessions : 0;
	$('maxKwh').value = u ? u.maxKwh : 0;
}

async function load() {
	const r = await WL.api('GET', '/api/group/users');
	for (const i of document.querySelectorAll('input[name=access]')) i.checked = i.value === r.access;
	const body = $('users');
	body.replaceChildren(...r.users.map((u) => {
		const d = describe(u);
		return WL.el('tr', { dataset: { user: u.id } },
			WL.el('td', {}, WL.el('strong', {}, u.name), WL.el('span', { className: 'hint' }, u.cards.join(', '))),
			WL.el('td', {}, WL.el('span', {}, `Valid: ${d.validity}`), WL.el('span', { className: 'hint' }, `Hours: ${d.hours}`),
				WL.el('span', { className: 'hint' }, `Limits: ${d.limits}`)),
			WL.el('td', {},
				WL.el('button', { type: 'button', className: 'secondary', onclick: () => { fillForm(u); $('name').focus(); } }, 'Edit'),
				WL.el('button', { type: 'button', className: 'danger', onclick: async () => {
					if (!window.confirm(`Remove ${u.name}? Its cards are then decided by the platform.`)) return;
					try { await WL.api('DELETE', `/api/group/users/${u.id}`); WL.say('msg', `${u.name} removed.`, 'ok'); await load(); } catch (e) { WL.say('msg', e.message, 'error'); }
				} }, 'Remove')));
	}));
	$('noUsers').hidden = r.users.length > 0;
}

document.addEventListener('DOMContentLoaded', async () => {
	await WL.requireLogin();
	for (const d of DAYS) $('days').append(WL.el('label', {}, WL.el('input', { type: 'checkbox', value: d }), ` ${d}`));
	try { await load(); } catch (e) {
		WL.say('msg', e.status === 404 ? 'This station is not the Master of a group.' : e.message, 'error');
		return;
	}
	for (const id of ['access', 'user', 'usersBox']) $(id).hidden = false;
	$('access').addEventListener('submit', async (ev) => {
		ev.preventDefault();
		const a = document.querySelector('input[name=access]:checked');
		if (!a || !window.confirm(a.value === 'free' ? 'Let every card and plug-in charge on the group?' : 'Require authorisation on the group?')) return;
		try { await WL.api('PUT', '/api/group/settings', { access: a.value }); WL.say('msg', 'Access saved.', 'ok'); } catch (e) { WL.say('msg', e.message, 'error'); }
	});
	$('cancelEdit').addEventListener('click', () => fillForm(null));
	$('user').addEventListener('submit', async (ev) => {
		ev.preventDefault();
		const hf = $('hoursFrom').value, ht = $('hoursTo').value;
		const body = {
			name: $('name').value.trim(),
			cards: $('cards').value.split(',').map((c) => c.trim()).filter(Boolean),
			from: fromLocalInput($('from').value),
			until: fromLocalInput($('until').value),
			hours: hf || ht ? { from: hf, to: ht } : null,
			days: [...document.querySelectorAll('#days input:checked')].map((c) => c.value),
			maxSessions: Number($('maxSessions').value) || 0,
			maxKwh: Number($('maxKwh').value) || 0,
		};
		try {
			const u = editing ? await WL.api('PUT', `/api/group/users/${editing}`, body) : await WL.api('POST', '/api/group/users', body);
			WL.say('msg', `${u.name} saved.`, 'ok');
			fillForm(null);
			await load();
		} catch (e) { WL.say('msg', e.message, 'error'); }
	});
});
