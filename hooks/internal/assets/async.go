package assets

import "io/fs"

// Async is a Set being built in the background, so that a server answers its
// health check at once and the first page waits for the set instead: building
// the product's folder takes tens of milliseconds (minifying and compressing),
// more than a cold start's whole budget before it.
type Async struct {
	done chan struct{}
	set  *Set
	err  error
}

// BuildAsync starts Build(fsys, opts) in its own goroutine and returns at once.
func BuildAsync(fsys fs.FS, opts Options) *Async {
	a := &Async{done: make(chan struct{})}
	go func() {
		defer close(a.done)
		a.set, a.err = Build(fsys, opts)
	}()
	return a
}

// Wait gives the set once it is built, or Build's error.
func (a *Async) Wait() (*Set, error) {
	<-a.done
	return a.set, a.err
}

// URL is Set.URL once the set is built; a nil Async, or one whose build
// failed, gives the unhashed name (see Set.URL).
func (a *Async) URL(name string) string {
	if a == nil {
		return (*Set)(nil).URL(name)
	}
	s, _ := a.Wait() // on error s is nil: the unhashed name
	return s.URL(name)
}
