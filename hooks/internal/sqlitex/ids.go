package sqlitex

import (
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/tools/security"
)

const IDAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// sortableID is a record id in PocketBase's format (15 of [a-z0-9]) that
// starts with the time: 8 base-36 digits of Unix milliseconds (good until
// 2059), then 7 random characters (36 bits). New rows' ids then sort after the
// ones before them, so each id index takes them at its right-hand end: a commit
// of several intakes writes one page of each index instead of one page per
// dossier at random places. Ids are not secrets (every record API rule checks
// the caller); the status page needs the code and the lookup key.
func sortableID(t time.Time) string {
	ms := strconv.FormatInt(t.UnixMilli(), 36)
	if len(ms) < 8 {
		ms = strings.Repeat("0", 8-len(ms)) + ms
	}
	return ms + security.RandomStringWithAlphabet(7, IDAlphabet)
}
