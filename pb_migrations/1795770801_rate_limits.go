package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Sign-in rate limits on: a password guesser on the office LAN (or on the
// internet, if the office exposes the appliance) gets a few tries a minute per
// address. Only sign-in and password-reset style endpoints are limited: intake,
// queue calls and public pages are not, so a busy counter is never slowed.
func init() {
	m.Register(upRateLimits, downRateLimits)
}

// motcuaRateLimits are the rules set by this migration. Labels follow
// PocketBase's "<collection>:<action>" tags; "*:auth" covers every
// auth-with-password/OTP/OAuth2 request of every auth collection, superusers
// included.
var motcuaRateLimits = []core.RateLimitRule{
	{Label: "*:auth", MaxRequests: 10, Duration: 60},
	{Label: "*:requestOTP", MaxRequests: 5, Duration: 60},
	{Label: "*:requestPasswordReset", MaxRequests: 5, Duration: 60},
	{Label: "*:requestVerification", MaxRequests: 5, Duration: 60},
	{Label: "*:requestEmailChange", MaxRequests: 5, Duration: 60},
}

func upRateLimits(app core.App) error {
	s := app.Settings()
	s.RateLimits.Enabled = true
	s.RateLimits.Rules = append([]core.RateLimitRule(nil), motcuaRateLimits...)
	if err := app.Save(s); err != nil {
		return fmt.Errorf("enable rate limits: %w", err)
	}
	return nil
}

func downRateLimits(app core.App) error {
	s := app.Settings()
	s.RateLimits.Enabled = false
	// PocketBase's own (disabled) defaults.
	s.RateLimits.Rules = []core.RateLimitRule{
		{Label: "*:auth", MaxRequests: 2, Duration: 3},
		{Label: "*:create", MaxRequests: 20, Duration: 5},
		{Label: "/api/batch", MaxRequests: 3, Duration: 1},
		{Label: "/api/", MaxRequests: 300, Duration: 10},
	}
	return app.Save(s)
}
