// Package backup keeps the office's data safe to lose a PC over: automatic
// backups on a schedule (the first two minutes after start), encrypted to the
// office's backup key so a lost USB stick gives nothing away; the key itself,
// whose secret is printed once on the recovery sheet and confirmed by
// scanning the paper back; restore, on the same PC or a new one, with the
// sheet, moving the daily code sequences past any receipt printed after the
// backup was made; the copy of the latest backup onto a USB stick from the
// leaders' dashboard; and the guard that makes a new program back up before
// it migrates old data, put the data back when a migration fails, and refuse
// data of a newer program.
//
// Files: backup.go writes one backup (VACUUM INTO on the PC's own disk, then
// encrypted onto the target), schedule.go the automatic backups and their
// log, status.go what the dashboard shows and warns about, key.go and
// key_command.go the backup key (routes and "motcua backup key"), sheet.go
// and sheet.html the recovery sheet, restore.go and sequences.go restore,
// usb.go the USB copy, upgrade.go the upgrade guard, progress.go the live
// figures of a running backup. The formats are in hooks/backupfmt and
// hooks/backupkey, the drives in hooks/drives.
package backup
