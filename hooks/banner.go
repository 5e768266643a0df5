package hooks

import (
	"fmt"
	"io"
	"net"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/i18n"
	"motcua/hooks/internal/domain"
)

// publicURLWarning writes, at the top of serve's banner, that the office's
// public URL cannot be opened by a citizen's phone (unset, localhost or a
// loopback address), in Vietnamese and English: every QR code printed until
// it is fixed is useless, and the person who starts the program is the IT
// person who can fix it. The console gets no Khmer: a Windows console cannot
// shape it. The example address is this PC's first one on the office network.
func publicURLWarning(w io.Writer, app core.App, hosts []string, port string) {
	office, err := domain.FindOffice(app)
	if err != nil || office.PublicURLReachable() {
		return
	}
	url := office.PublicURL()
	example := "http://192.168.1.10:" + port
	for _, h := range hosts {
		if h != "localhost" && h != "" {
			if ip := net.ParseIP(h); ip == nil || !ip.IsLoopback() && !ip.IsUnspecified() {
				example = "http://" + net.JoinHostPort(h, port)
				break
			}
		}
	}
	admin := "http://" + net.JoinHostPort("localhost", port) + "/_/"
	for _, lang := range []string{"vi", "en"} {
		shown := url
		if shown == "" {
			shown = i18n.T(lang, "banner.public_url_unset")
		}
		fmt.Fprintf(w, "motcua: %s\n", i18n.T(lang, "banner.public_url", "url", shown, "admin", admin, "example", example))
	}
}
