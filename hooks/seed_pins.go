package hooks

import "modernc.org/libc"

// allocatorPins keeps SQLite's b-tree scratch memory from being mapped and
// unmapped on every page split during the bulk generator's run.
//
// The SQLite in this build (modernc.org/sqlite, pure Go) gets its memory from
// modernc.org/memory, which carves size classes out of 64 KB pages from the OS
// and gives a page back the moment its last object is freed. A page split
// (balance_nonroot) borrows an 8 or 16 KB scratch buffer and frees it at once.
// The 8 KB class is also where the page cache keeps its 4 KB pages, so once
// the cache is full that class has no free slot, and each split maps a fresh
// page and unmaps it again (1.7 million maps in a million-dossier run).
// Pinned objects keep such pages mapped with free slots: measured with
// `motcua seed --dossiers 1000000`, 176 s (45 s of it in the kernel) became
// 131 s (15 s). If the allocator changes, the pins only cost a few kilobytes.
type allocatorPins struct {
	tls  *libc.TLS
	pins []uintptr
}

// pin leaves, in each of the two classes, pages that hold one pinned object
// and free slots: it takes two pages' worth of objects (free slots first, then
// fresh pages, as the allocator hands them out), keeps one per page and frees
// the rest. Where free slots were plenty it only pins a few more objects. The
// generator calls it at every batch, as the page cache may have filled the
// free slots since.
func (p *allocatorPins) pin() {
	if p.tls == nil {
		p.tls = libc.NewTLS()
	}
	// Sizes inside the 8 and 16 KB classes; 7 and 3 slots fit a 64 KB page.
	p.pinClass(func() uintptr { return libc.Xmalloc(p.tls, 6000) }, 14)
	p.pinClass(func() uintptr { return libc.Xmalloc(p.tls, 12000) }, 6)
}

func (p *allocatorPins) pinClass(alloc func() uintptr, n int) {
	const pageMask = 1<<16 - 1
	kept := map[uintptr]bool{}
	for range n {
		a := alloc()
		if a == 0 {
			return
		}
		if page := a &^ pageMask; !kept[page] {
			kept[page] = true
			p.pins = append(p.pins, a)
			continue
		}
		defer libc.Xfree(p.tls, a)
	}
}

// release frees the pins.
func (p *allocatorPins) release() {
	if p.tls == nil {
		return
	}
	for _, a := range p.pins {
		libc.Xfree(p.tls, a)
	}
	p.pins = nil
	p.tls.Close()
	p.tls = nil
}
