//go:build !windows

package modem

import (
	"context"
	"testing"

	"motcua/hooks/sms/fakemodem"
)

// BenchmarkSendKhmer sends the three-part Khmer notice to the fake modem
// over a real pty: the driver's own cost per message (a real network takes
// seconds per part).
func BenchmarkSendKhmer(b *testing.B) {
	fm, err := fakemodem.New(fakemodem.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer fm.Close()
	m := New(testConfig(fm.Path()))
	defer m.Close()
	ctx := context.Background()
	if _, err := m.Send(ctx, phone, kmNotice); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := m.Send(ctx, phone, kmNotice); err != nil {
			b.Fatal(err)
		}
	}
}
