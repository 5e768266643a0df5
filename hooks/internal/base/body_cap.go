package base

import (
	"io"
	"mime"
	"net/http"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"
)

// Body caps on every route (issue 15, finding 3: no request from anyone may
// make the server hold more than a small, fixed amount of memory).
//
// PocketBase lets any route read 32 MiB, and a record create or update of a
// collection with files its file allowance on top (132 MiB for dossiers),
// before the route's rules are checked; a JSON body is decoded whole, and
// kept for re-reading, so a guest's 132 MiB JSON string made the server hold
// some 450 MiB (TestMemoryOfHugeBodies). What motcua's clients send is
// small: a guest signs in, asks for a password reset, rates a visit (a few
// hundred bytes); staff send forms of a few KB; only files (scans, a backup,
// a bundle) are big, and those go to disk as they arrive. So:
//
//   - a guest's body is capped at GuestBodyLimit, whatever its type;
//   - a signed-in account's body at JSONBodyLimit, unless it is a multipart
//     upload (PocketBase keeps at most 32 MiB of one in memory and spills the
//     rest to disk, and its own per-collection limit still applies);
//   - a superuser (the IT person in /_/: schema imports, backups) keeps
//     PocketBase's limits;
//   - a route that streams its own big body, with its own checks of the
//     sender and caps (the return of field bundles), opts out with LargeBody.
const (
	GuestBodyLimit = 256 << 10
	JSONBodyLimit  = 1 << 20
)

// The cap runs right after PocketBase has read the auth token (so it knows
// who is asking) and before any route reads a byte.
const (
	bodyCapID       = "motcuaBodyCap"
	bodyCapPriority = apis.DefaultLoadAuthTokenMiddlewarePriority + 1
	largeBodyKey    = "motcua.largeBody"
)

// LargeBody marks a route that reads a big body itself (streamed, capped and
// checked by the route): the caps above do not apply to it.
func LargeBody() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       "motcuaLargeBody",
		Priority: bodyCapPriority - 1,
		Func: func(e *core.RequestEvent) error {
			e.Set(largeBodyKey, true)
			return e.Next()
		},
	}
}

func bindBodyCap(se *core.ServeEvent) error {
	se.Router.Bind(&hook.Handler[*core.RequestEvent]{Id: bodyCapID, Priority: bodyCapPriority, Func: capBody})
	return nil
}

func capBody(e *core.RequestEvent) error {
	if e.Request.Body == nil || e.Request.Body == http.NoBody || e.Get(largeBodyKey) == true ||
		(e.Auth != nil && e.Auth.IsSuperuser()) {
		return e.Next()
	}
	limit := int64(GuestBodyLimit)
	if e.Auth != nil {
		if mt, _, _ := mime.ParseMediaType(e.Request.Header.Get("Content-Type")); mt == "multipart/form-data" {
			return e.Next()
		}
		limit = JSONBodyLimit
	}
	if e.Request.ContentLength > limit {
		return KeyedError(http.StatusRequestEntityTooLarge, "error.body_too_large")
	}
	e.Request.Body = &cappedBody{ReadCloser: e.Request.Body, left: limit}
	return e.Next()
}

// cappedBody fails a read past its cap. It counts only what comes from the
// client: once the body has ended, PocketBase replays its own copy for a
// second reader, which is not counted again.
type cappedBody struct {
	io.ReadCloser
	left  int64
	ended bool
}

func (c *cappedBody) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	if !c.ended {
		c.left -= int64(n)
		if c.left < 0 {
			return n, KeyedError(http.StatusRequestEntityTooLarge, "error.body_too_large")
		}
		c.ended = err == io.EOF
	}
	return n, err
}

// Reread passes PocketBase's rewind on (see router.Rereader).
func (c *cappedBody) Reread() {
	if r, ok := c.ReadCloser.(router.Rereader); ok {
		r.Reread()
	}
}
