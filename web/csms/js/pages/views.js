// views.js — Socket Views (manual section 10): the table of views with their groups, the default marked
// (*); create a view, add a group, delete a group (its sockets go back to Unassigned) or a view; the edit
// page: rename the view and its groups, make it the default, and the "Socket Group Association" list of
// every socket with a select of the view's groups (empty = Unassigned sockets). Home reads the views
// each time it opens, so its drop-down follows at once.
import { html, useState, useEffect, Modal, Confirm, Msg, errMsg } from '../ui.js';
import { api, get, qs } from '../api.js';
import { t } from '../i18n.js';
import { can } from '../roles.js';

const key = (station, connector) => `${station}\u0000${connector}`;

function NameDialog({ title, label, okLabel, action, onClose }) {
	const [name, setName] = useState('');
	const [msg, setMsg] = useState(null);
	async function submit(e) {
		e.preventDefault();
		try { await action(name); } catch (err) { setMsg(errMsg(err)); }
	}
	return html`<${Modal} title=${title} onClose=${onClose}>
		<form id="name-form" onSubmit=${submit}><div class="form"><label for="name-input">${label} *</label>
			<input id="name-input" value=${name} onInput=${(e) => setName(e.target.value)} required maxlength="100" /></div>
		<${Msg} msg=${msg} />
		<div class="buttons"><button type="button" onClick=${onClose}>${t('common.cancel')}</button><button type="submit" class="primary">${okLabel}</button></div></form><//>`;
}

function socketName(s) { return s.description || `${s.stationName || s.station} #${s.connector}`; }

function ViewEditor({ id }) {
	const [view, setView] = useState(null);
	const [sockets, setSockets] = useState(null);
	const [name, setName] = useState('');
	const [isDefault, setDefault] = useState(false);
	const [groupNames, setGroupNames] = useState({});
	const [assign, setAssign] = useState({}); // socket key -> group id ('' = Unassigned)
	const [initial, setInitial] = useState({});
	const [msg, setMsg] = useState(null);
	const [busy, setBusy] = useState(false);
	useEffect(() => {
		(async () => {
			try {
				const v = await get(`/api/v1/views/${id}`);
				const all = await get(qs('/api/v1/home/sockets', { limit: 1000, sort: 'station' }));
				const a = {};
				for (const g of v.groups) if (!g.unassigned) for (const s of g.sockets) a[key(s.station, s.connector)] = String(g.id);
				setView(v); setName(v.name); setDefault(v.isDefault);
				setGroupNames(Object.fromEntries(v.groups.filter((g) => !g.unassigned).map((g) => [g.id, g.name])));
				setAssign(a); setInitial(a);
				setSockets(all.items);
			} catch (e) { setMsg(errMsg(e)); }
		})();
	}, []);
	async function save(e) {
		e.preventDefault();
		setBusy(true);
		setMsg({ kind: 'info', text: t('common.waiting') });
		try {
			if (name !== view.name || (isDefault && !view.isDefault)) {
				const body = {};
				if (name !== view.name) body.name = name;
				if (isDefault && !view.isDefault) body.isDefault = true;
				await api('PUT', `/api/v1/views/${id}`, body);
			}
			for (const g of view.groups)
				if (!g.unassigned && groupNames[g.id] !== g.name) await api('PUT', `/api/v1/views/${id}/groups/${g.id}`, { name: groupNames[g.id] });
			// the sockets whose group changed, by their new group ('' = back to Unassigned)
			const moves = {};
			for (const s of sockets) {
				const k = key(s.stationId, s.connectorId), now = assign[k] || '', was = initial[k] || '';
				if (now !== was) (moves[now] = moves[now] || []).push({ station: s.stationId, connector: s.connectorId });
			}
			const unassigned = view.groups.find((g) => g.unassigned);
			for (const [gid, list] of Object.entries(moves))
				for (let i = 0; i < list.length; i += 1000)
					await api('POST', `/api/v1/views/${id}/groups/${gid || unassigned.id}/sockets`, { sockets: list.slice(i, i + 1000) });
			location.hash = '#/views?saved=' + encodeURIComponent(name);
		} catch (err) { setMsg(errMsg(err)); setBusy(false); }
	}
	const groups = view ? view.groups.filter((g) => !g.unassigned) : [];
	return html`<main class="view-edit"><p class="crumbs"><a href="#/views">${t('nav.views')}</a> ›</p>
		<h1>${t('views.editTitle')}</h1>
		<${Msg} msg=${msg || (!view && { kind: 'info', text: t('common.waiting') })} />
		${view && html`<form id="view-form" onSubmit=${save}>
			<div class="panel form two">
				<div class="field"><label for="view-name">${t('views.name')} *</label><input id="view-name" value=${name} onInput=${(e) => setName(e.target.value)} required maxlength="100" /></div>
				<div class="field check"><input id="view-default" type="checkbox" checked=${isDefault} disabled=${view.isDefault} onChange=${(e) => setDefault(e.target.checked)} />
					<label for="view-default">${t('views.isDefault')}</label>${view.isDefault && html`<span class="hint">${t('views.defaultHint')}</span>`}</div>
				${groups.map((g) => html`<div class="field"><label for=${'group-name-' + g.id}>${t('views.groupName')}</label>
					<input id=${'group-name-' + g.id} value=${groupNames[g.id]} required maxlength="100" onInput=${(e) => setGroupNames({ ...groupNames, [g.id]: e.target.value })} /></div>`)}
			</div>
			<h2>${t('views.association')}</h2>
			${!groups.length && html`<p class="hint">${t('views.noGroups')}</p>`}
			<div class="table-wrap"><table class="data" id="view-sockets"><thead><tr><th>${t('views.socket')}</th><th>${t('stations.code')}</th><th>${t('views.group')}</th></tr></thead>
			<tbody>${(sockets || []).map((s) => { const k = key(s.stationId, s.connectorId); return html`<tr data-socket=${s.stationId + '/' + s.connectorId}>
				<td><label class="socket-label" for=${'assign-' + s.stationId + '-' + s.connectorId}>${s.name}</label></td><td>${s.stationId}</td>
				<td><select id=${'assign-' + s.stationId + '-' + s.connectorId} value=${assign[k] || ''} onChange=${(e) => setAssign({ ...assign, [k]: e.target.value })}>
					<option value="">${'\u2014'} ${t('home.unassigned')}</option>${groups.map((g) => html`<option value=${String(g.id)}>${groupNames[g.id] || g.name}</option>`)}</select></td></tr>`; })}</tbody></table></div>
			${sockets && !sockets.length && html`<p class="hint">${t('views.noSockets')}</p>`}
			<div class="buttons"><a class="button" href="#/views">${t('common.cancel')}</a><button type="submit" class="primary" id="view-save" disabled=${busy}>${t('common.save')}</button></div>
		</form>`}</main>`;
}

export function ViewsPage({ user, route }) {
	const [views, setViews] = useState(null);
	const [msg, setMsg] = useState(null);
	const [dlg, setDlg] = useState(null);
	const manage = can(user, 'viewsWrite');
	const saved = route.query.get('saved');
	async function load() {
		try { setViews((await get(qs('/api/v1/views', { limit: 1000, sort: 'name' }))).items); } catch (e) { setMsg(errMsg(e)); }
	}
	useEffect(() => {
		if (route.arg) return;
		setMsg(saved ? { kind: 'ok', text: t('views.saved', { name: saved }) } : null);
		load();
	}, [route.arg, saved]);
	if (route.arg) return html`<${ViewEditor} id=${route.arg} />`;
	const close = () => setDlg(null);
	return html`<main class="views"><h1>${t('nav.views')}</h1>
		<p class="hint intro">${t('views.intro')}</p>
		<div class="table-head"><span class="hint">${t('views.defaultMark')}</span>
			${manage && html`<button type="button" class="primary" id="views-new" onClick=${() => setDlg({ kind: 'view' })}>+ ${t('views.new')}</button>`}</div>
		<${Msg} msg=${msg} />
		${views && html`<div class="table-wrap"><table class="data" id="views-table"><thead><tr><th>${t('views.name')}</th><th>${t('views.groups')}</th>
			${manage && html`<th><span class="sr">${t('common.actions')}</span></th>`}</tr></thead>
			<tbody>${views.map((v) => html`<tr data-view=${v.id} data-name=${v.name}>
				<td class="view-name">${v.name}${v.isDefault ? html` <strong class="default" title=${t('views.isDefault')}>(*)</strong>` : ''}</td>
				<td><ul class="groups">${v.groups.filter((g) => !g.unassigned).map((g) => html`<li data-group=${g.id}><span>${g.name}</span>
					${manage && html`<button type="button" class="delete-group danger" aria-label=${t('views.deleteGroup') + ': ' + g.name} title=${t('views.deleteGroup')} onClick=${() => setDlg({ kind: 'delGroup', view: v, group: g })}>×</button>`}</li>`)}
					${!v.groups.some((g) => !g.unassigned) && html`<li class="hint">${t('views.noGroups')}</li>`}</ul></td>
				${manage && html`<td class="row-actions"><button type="button" class="add-group" onClick=${() => setDlg({ kind: 'group', view: v })}>+ ${t('views.addGroup')}</button>
					<a class="button edit" href=${'#/views/' + v.id}>${t('common.edit')}</a>
					<button type="button" class="delete danger" onClick=${() => setDlg({ kind: 'delView', view: v })}>${t('views.deleteView')}</button></td>`}</tr>`)}</tbody></table></div>
			${!views.length && html`<p class="hint">${t('views.none')}</p>`}`}
		${dlg && dlg.kind === 'view' && html`<${NameDialog} title=${t('views.new')} label=${t('views.name')} okLabel=${t('views.createView')} onClose=${close}
			action=${async (name) => { await api('POST', '/api/v1/views', { name }); close(); setMsg({ kind: 'ok', text: t('views.created', { name }) }); load(); }} />`}
		${dlg && dlg.kind === 'group' && html`<${NameDialog} title=${t('views.addGroupTo', { view: dlg.view.name })} label=${t('views.groupName')} okLabel=${t('views.createGroup')} onClose=${close}
			action=${async (name) => { await api('POST', `/api/v1/views/${dlg.view.id}/groups`, { name }); close(); setMsg({ kind: 'ok', text: t('views.groupCreated', { name }) }); load(); }} />`}
		${dlg && dlg.kind === 'delGroup' && html`<${Confirm} title=${t('views.deleteGroup')} text=${t('views.deleteGroupConfirm', { group: dlg.group.name, view: dlg.view.name })} okLabel=${t('adm.delete')}
			onClose=${close} action=${async () => { await api('DELETE', `/api/v1/views/${dlg.view.id}/groups/${dlg.group.id}`); load(); return t('views.groupDeleted', { name: dlg.group.name }); }} />`}
		${dlg && dlg.kind === 'delView' && html`<${Confirm} title=${t('views.deleteView')} text=${t('views.deleteViewConfirm', { view: dlg.view.name })} okLabel=${t('adm.delete')}
			onClose=${close} action=${async () => { await api('DELETE', `/api/v1/views/${dlg.view.id}`); load(); return t('views.viewDeleted', { name: dlg.view.name }); }} />`}
	</main>`;
}
