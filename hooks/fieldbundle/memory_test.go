package fieldbundle

import (
	"bytes"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"testing"
)

// heapPeak samples runtime.MemStats.HeapInuse and keeps the highest value.
type heapPeak struct{ peak uint64 }

func (h *heapPeak) sample() {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	h.peak = max(h.peak, ms.HeapInuse)
}

// probeReader samples the heap every 16 MB read through it.
type probeReader struct {
	r io.Reader
	n int64
	h *heapPeak
}

func (p *probeReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if before := p.n; (before+int64(n))/(16<<20) != before/(16<<20) {
		p.h.sample()
	}
	p.n += int64(n)
	return n, err
}

// TestBundleMemory300MB: a laptop writes a 300 MB bundle (a day of scans) to
// a file, and the centre receives and walks it, while the heap in use stays
// far below the bundle's size on both sides. Reading it whole, as version 1
// did, would take more than 300 MB.
func TestBundleMemory300MB(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and reads 300 MB")
	}
	const (
		scanSize = 1 << 20
		total    = 300 << 20
		limit    = 64 << 20 // generous: a few dossiers' worth
	)
	dir := t.TempDir()
	p := dir + "/big.mcbundle"
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	src := rand.NewChaCha8([32]byte{7})
	scan := make([]byte, scanSize)
	// Start from a collected heap: an earlier test's garbage (scrypt's 256 MB)
	// would otherwise set the collector's goal, not this code.
	runtime.GC()
	var write heapPeak
	bw, err := NewBundleWriter(f, secretA, centreID.Recipient(), meta("kita"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for written := int64(0); written < total; n++ {
		src.Read(scan)
		if err := bw.Add(dossier(n+1, scan)); err != nil {
			t.Fatal(err)
		}
		written += scanSize * 4 / 3
		if n%16 == 0 {
			write.sample()
		}
	}
	if err := bw.Close(); err != nil {
		t.Fatal(err)
	}
	st, _ := f.Stat()
	f.Close()
	if st.Size() < total {
		t.Fatalf("bundle is %d MB, want 300", st.Size()>>20)
	}

	runtime.GC()
	var read heapPeak
	f, _ = os.Open(p)
	defer f.Close()
	o := opts(t.TempDir())
	bf, err := ReceiveBundle(&probeReader{r: f, h: &read}, o)
	if err != nil {
		t.Fatal(err)
	}
	defer bf.Close()
	got := 0
	for {
		d, err := bf.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if d.DataSize() != scanSize {
			t.Fatalf("dossier %s: %d bytes of scans", d.ID, d.DataSize())
		}
		got++
		if got%8 == 0 {
			read.sample()
		}
	}
	if got != n {
		t.Errorf("read %d dossiers, wrote %d", got, n)
	}
	t.Logf("%d MB bundle, %d dossiers: peak heap in use %.1f MB writing, %.1f MB reading",
		st.Size()>>20, n, float64(write.peak)/(1<<20), float64(read.peak)/(1<<20))
	if write.peak > limit || read.peak > limit {
		t.Errorf("heap in use reached %d MB writing, %d MB reading; limit %d MB", write.peak>>20, read.peak>>20, limit>>20)
	}
}

// benchBundle is a bundle of 48 dossiers with a 1 MiB scan each.
func benchBundle(b *testing.B) []byte {
	b.Helper()
	scan := make([]byte, 1<<20)
	rand.NewChaCha8([32]byte{1}).Read(scan)
	m := meta("kita")
	for i := 1; i <= 48; i++ {
		m.Dossiers = append(m.Dossiers, dossier(i, scan))
	}
	data, err := SealBundle(secretA, centreID.Recipient(), m)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkBundleWrite: a laptop encrypting and signing a bundle (MB/s of
// bundle written).
func BenchmarkBundleWrite(b *testing.B) {
	data := benchBundle(b)
	m := meta("kita")
	scan := make([]byte, 1<<20)
	for i := 1; i <= 48; i++ {
		m.Dossiers = append(m.Dossiers, dossier(i, scan))
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		bw, err := NewBundleWriter(io.Discard, secretA, centreID.Recipient(), m)
		if err != nil {
			b.Fatal(err)
		}
		if err := bw.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBundleReceive: the centre receiving a bundle (through a temp
// file), checking its signature, decrypting and decoding every dossier.
func BenchmarkBundleReceive(b *testing.B) {
	data := benchBundle(b)
	o := opts(b.TempDir())
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, ds, err := receiveAll(bytes.NewReader(data), o); err != nil || len(ds) != 48 {
			b.Fatalf("%d dossiers, %v", len(ds), err)
		}
	}
}

// BenchmarkBundleReceiveV1: the same dossiers in a version-1 bundle, for
// comparison (no decryption).
func BenchmarkBundleReceiveV1(b *testing.B) {
	scan := make([]byte, 1<<20)
	m := meta("kita")
	for i := 1; i <= 48; i++ {
		m.Dossiers = append(m.Dossiers, dossier(i, scan))
	}
	data, _ := SealJSON(KindBundle, "kita", secretA, m)
	o := opts(b.TempDir())
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, ds, err := receiveAll(bytes.NewReader(data), o); err != nil || len(ds) != 48 {
			b.Fatalf("%d dossiers, %v", len(ds), err)
		}
	}
}
