//go:build !windows

// Command fakemodem runs a fake GSM modem on a pseudo-terminal, so a person
// can point the appliance's SMS settings at it and watch what it would send
// without a SIM card. It prints the device path to use as the serial port,
// then every message it receives, decoded, until it is stopped (Ctrl-C).
//
//	go run ./hooks/sms/fakemodem/cmd/fakemodem -link /tmp/ttyFAKE -pin 1234
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"
	"time"

	"motcua/hooks/sms/fakemodem"
)

func main() {
	var (
		link    = flag.String("link", "", "also make this symbolic link to the device (a stable name)")
		pin     = flag.String("pin", "", "the SIM asks for this PIN")
		verbose = flag.Bool("v", false, "log every command and answer")
		cms     = flag.Int("fail", 0, "answer every send with +CMS ERROR: <n> (e.g. 21, as a SIM without credit)")
	)
	flag.Parse()
	opts := fakemodem.Options{Link: *link, PIN: *pin}
	if *verbose {
		opts.Logf = log.Printf
	}
	m, err := fakemodem.New(opts)
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	if *cms != 0 {
		m.FailSends(*cms)
	}
	fmt.Println(m.Path())

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	shown := 0
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		msgs, _ := m.Messages() // an unfinished message waits for its parts
		for _, msg := range msgs[shown:] {
			fmt.Printf("to %s, %d part(s), %v:\n%s\n\n", msg.To, msg.Parts, msg.Encoding, msg.Text)
		}
		shown = len(msgs)
	}
}
