// Package hooks is the motcua product built on PocketBase, wired: main.go
// calls RegisterWith and Commands, and this package hands each capability the
// app. It holds no feature of its own.
//
// Where things live (each capability is a package with a Register(app) and its
// handlers, rules and tests side by side; capabilities never import each
// other):
//
//	intake     counter and field intake, the fast path, due-date preview,
//	           ID-card parse, dossier QR, receipt (form 01) and notices 02/03
//	workflow   dossier actions along the transition table, forms 02–06,
//	           work lists, tracking ledger (form 07)
//	public     what citizens reach: status page /tra-cuu, catalogue /thu-tuc,
//	           ratings
//	queue      kiosk, counters, lobby TV, queue figures; languages at the
//	           queue (routing, waits by language) and the TV's voice clips
//	reports    periodic report (JSON, xlsx, csv) and the leaders' dashboard
//	search     staff search and its background indexer
//	field      mobile teams: field mode, kits, the return of dossiers
//	backup     encrypted backups, the schedule, the backup key and its recovery
//	           sheet, restore (code sequences moved past printed receipts),
//	           copy to a USB stick, the upgrade guard of "serve"
//	notify     SMS notices to citizens: the outbox and its worker (GSM modem
//	           or HTTP gateway), texts, settings, the dashboard's SMS panel
//	service    install as a Windows service or systemd unit
//	clock      the PC clock's status, a leader's confirmation, "motcua clock"
//	emergency  emergency receipt pads for a counter without power or PC
//	           (printing, voiding; the key-in is an intake)
//	devseed    demo office and the bulk history generator (trials, benchmarks)
//
// Shared ground, below the capabilities (internal: only motcua uses it):
//
//	internal/base     collection names, roles, keyed errors, RequireStaff, the
//	                  clock and the office's time zone, BindServe, data lock,
//	                  request body caps, request-log redaction, CLI error text
//	internal/sqlitex  DBConnect, WAL checkpoints, the write queue and group
//	                  commit, prepared inserts, sortable ids
//	internal/domain   Dossier and its events, statuses, codes and issuers,
//	                  office and its caches, tickets, the workflow table,
//	                  search and lookup keys, dashboard panels and report
//	                  annexes (registries), ticket languages and their figures,
//	                  the clock guard, emergency sheets and their code blocks
//	internal/web      templates, render, language choice, static files, i18n
//	internal/testkit  test apps cloned from a migrated template, staff, HTTP
//	                  helpers, one shared Chromium
//
// Pure leaves, no database (read, tested and fuzzed alone): calendar, idcard,
// textnorm, i18n, catalog, fieldbundle, backupfmt, backupkey, digitcode,
// drives, sms/pdu, sms/modem, sms/gateway, sms/transport, wavclip.
//
// A new feature goes in the capability it belongs to; something two
// capabilities need moves down into internal/domain (or internal/base when
// it knows nothing of dossiers).
package hooks
