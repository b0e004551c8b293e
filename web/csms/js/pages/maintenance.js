// maintenance.js — Backup and maintenance (manual section 12, figure 12.1): the backups (name, size,
// created, kind, copied to); "Update" makes a backup now (progress shown until it is made and checked);
// "Save" copies one to the external drive (--backup-dir; without one the page says so and Save is off); download a backup;
// download the log; for an Administrator, restore (a warning, then the restart it needs) and delete.
import { html, useState, useEffect, Modal, Confirm, Msg, errMsg, Pager, SortTh } from '../ui.js';
import { api, get, qs, download } from '../api.js';
import { t, fmtDateTime } from '../i18n.js';
import { can } from '../roles.js';
import { fmtSize } from '../form.js';

const LIMIT = 25;

function kindLabel(k) {
	return { manual: t('maint.kind.manual'), daily: t('maint.kind.daily'), restore: t('maint.kind.restore') }[k] || k;
}

function Restore({ b, onClose }) {
	const [msg, setMsg] = useState(null);
	const [busy, setBusy] = useState(false);
	const [done, setDone] = useState(false);
	async function go() {
		setBusy(true);
		setMsg({ kind: 'info', text: t('maint.verifying') });
		try {
			await api('POST', `/api/v1/maintenance/backups/${encodeURIComponent(b.name)}/restore`);
			setMsg({ kind: 'ok', text: t('maint.restoreStaged', { name: b.name }) });
			setDone(true);
		} catch (e) { setMsg(errMsg(e)); }
		setBusy(false);
	}
	return html`<${Modal} title=${t('maint.restore')} onClose=${onClose}>
		<p class="msg error warning" id="restore-warning">${t('maint.restoreWarning', { name: b.name, created: fmtDateTime(b.created) })}</p>
		<p>${t('maint.restoreRestart')}</p>
		<${Msg} msg=${msg} />
		<div class="buttons">${done ? html`<button type="button" class="primary" onClick=${onClose}>${t('common.close')}</button>` : html`
			<button type="button" onClick=${onClose}>${t('common.cancel')}</button>
			<button type="button" class="primary danger confirm" disabled=${busy} onClick=${go}>${t('maint.restoreNow')}</button>`}</div><//>`;
}

export function MaintenancePage({ user }) {
	const [res, setRes] = useState(null);
	const [sort, setSort] = useState('-created');
	const [offset, setOffset] = useState(0);
	const [msg, setMsg] = useState(null);
	const [busy, setBusy] = useState(false);
	const [dlg, setDlg] = useState(null);
	const admin = can(user, 'backupAdmin');
	async function load(s = sort, o = offset) {
		setSort(s); setOffset(o);
		try { setRes(await get(qs('/api/v1/maintenance/backups', { sort: s, limit: LIMIT, offset: o }))); } catch (e) { setMsg(errMsg(e)); }
	}
	useEffect(() => { load(); }, []);
	async function backupNow() {
		setBusy(true);
		setMsg({ kind: 'info', text: t('maint.backingUp') });
		try {
			const b = await api('POST', '/api/v1/maintenance/backups');
			setMsg({ kind: 'ok', text: t('maint.backedUp', { name: b.name, size: fmtSize(b.size) }) });
			load('-created', 0);
		} catch (e) { setMsg(errMsg(e)); }
		setBusy(false);
	}
	async function copy(b) {
		setMsg({ kind: 'info', text: t('maint.copying', { name: b.name }) });
		try {
			const r = await api('POST', `/api/v1/maintenance/backups/${encodeURIComponent(b.name)}/copy`);
			setMsg({ kind: 'ok', text: t('maint.copied', { name: b.name, to: r.copiedTo }) });
			load();
		} catch (e) { setMsg(e.code === 'no_backup_dir' ? { kind: 'error', text: t('maint.noBackupDir') } : errMsg(e)); }
	}
	async function dl(path) {
		try { await download(path); } catch (e) { setMsg(errMsg(e)); }
	}
	const sortTh = (field, label) => html`<${SortTh} field=${field} sort=${sort} onSort=${(s) => load(s, 0)}>${label}<//>`;
	return html`<main class="maintenance"><h1>${t('nav.maintenance')}</h1>
		<section class="panel backup-actions" aria-labelledby="maint-backup-h"><h2 id="maint-backup-h">${t('maint.backup')}</h2>
			<p class="hint">${t('maint.intro')}</p>
			<div class="buttons left">
				<button type="button" class="primary" id="maint-update" disabled=${busy} onClick=${backupNow}>⟳ ${t('maint.update')}</button>
				<button type="button" id="maint-logs" onClick=${() => dl('/api/v1/maintenance/logs')}>⬇ ${t('maint.downloadLogs')}</button>
				${busy && html`<progress id="maint-progress" aria-label=${t('maint.backingUp')}></progress>`}
			</div>
			${res && (res.backupDir ? html`<p class="hint" id="maint-dir">${t('maint.backupDir')} <code>${res.backupDir}</code></p>`
				: html`<p class="msg error" id="maint-no-dir">${t('maint.noBackupDir')}</p>`)}
			<${Msg} msg=${msg} />
		</section>
		${res && html`<div class="table-wrap"><table class="data" id="maint-table"><thead><tr>
			${sortTh('name', t('maint.name'))}${sortTh('size', t('maint.size'))}${sortTh('created', t('maint.created'))}${sortTh('kind', t('maint.kind'))}
			<th>${t('maint.copiedTo')}</th><th><span class="sr">${t('common.actions')}</span></th></tr></thead>
			<tbody>${res.items.map((b) => html`<tr data-backup=${b.name}>
				<td><code>${b.name}</code></td><td>${fmtSize(b.size)}</td><td>${fmtDateTime(b.created)}</td><td>${kindLabel(b.kind)}</td>
				<td class="copied">${b.copiedTo || '–'}</td>
				<td class="row-actions"><button type="button" class="download" onClick=${() => dl(`/api/v1/maintenance/backups/${encodeURIComponent(b.name)}`)}>⬇ ${t('maint.download')}</button>
				<button type="button" class="save" title=${res.backupDir ? t('maint.saveHint') : t('maint.noBackupDir')} disabled=${!res.backupDir} onClick=${() => copy(b)}>${t('maint.save')}</button>
				${admin && html`<button type="button" class="restore" onClick=${() => setDlg({ kind: 'restore', b })}>${t('maint.restore')}</button>
				<button type="button" class="delete danger" onClick=${() => setDlg({ kind: 'delete', b })}>${t('adm.delete')}</button>`}</td></tr>`)}</tbody></table></div>
			${!res.items.length && html`<p class="hint">${t('maint.none')}</p>`}
			<${Pager} total=${res.total} limit=${LIMIT} offset=${offset} onPage=${(o) => load(sort, o)} />`}
		${dlg && dlg.kind === 'restore' && html`<${Restore} b=${dlg.b} onClose=${() => setDlg(null)} />`}
		${dlg && dlg.kind === 'delete' && html`<${Confirm} title=${t('maint.delete')} text=${t('maint.deleteConfirm', { name: dlg.b.name })} okLabel=${t('adm.delete')}
			onClose=${() => setDlg(null)} action=${async () => { await api('DELETE', `/api/v1/maintenance/backups/${encodeURIComponent(dlg.b.name)}`); load(); return t('maint.deleted', { name: dlg.b.name }); }} />`}
	</main>`;
}
