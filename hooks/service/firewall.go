package service

import "strings"

// firewallRuleName is the Windows Defender Firewall rule the install adds for
// the program, named after the service.
func firewallRuleName(service string) string { return service + " (motcua)" }

// firewallAddCmd is the netsh command line that lets other PCs of the office
// (private and domain networks, not public ones) reach the program. A service
// has no desktop, so Windows never shows its "allow access" question: without
// this rule the counters and the kiosk cannot connect.
func firewallAddCmd(service, exe string) string {
	return `netsh advfirewall firewall add rule name="` + firewallRuleName(service) +
		`" dir=in action=allow program="` + exe + `" enable=yes profile=private,domain`
}

// firewallDeleteCmd removes that rule.
func firewallDeleteCmd(service string) string {
	return `netsh advfirewall firewall delete rule name="` + firewallRuleName(service) + `"`
}

// quotable reports whether s can sit inside the double quotes of a netsh
// command line (a Windows path never holds a quote).
func quotable(s string) bool { return !strings.ContainsAny(s, "\"\r\n") }
