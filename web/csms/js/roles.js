// roles.js — what each role may do, as in the route tables of docs/api.md. Only hides what the role may
// not use: the server still decides, and its 403 is shown in words.
const A = 'administrator', LM = 'local_manager', MT = 'maintenance_technician';
const RULES = {
	transactions: [A, LM],         // the search, its exports
	measurements: [A, LM, MT],
	remoteStartStop: [A, LM, MT],
	listManagement: [A, LM],       // send a list, request the version, reset to default
	stationAdmin: [A],             // register, accept/reject, password, rename, reboot, socket edit
	firmware: [A, MT],
	eventsMessages: [A, MT],
	views: [A, LM, MT],
	cards: [A, LM, MT],
	cardLists: [A, LM],
	chargeUsers: [A, LM],
	operators: [A, LM],
	sbcCardList: [A, LM],
	maintenance: [A, LM, MT],
	cardsWrite: [A, LM],           // create, edit, delete cards (technicians read them)
	viewsWrite: [A, LM],           // create, edit, delete socket views and groups
	backupAdmin: [A],              // restore and delete backups
};
// The operator roles a role may create (manual section 11).
export const CREATABLE = { [A]: [A, LM, MT], [LM]: [LM], [MT]: [] };
export function can(user, what) { return !!user && (RULES[what] || []).includes(user.role); }
