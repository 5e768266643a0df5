package base

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// ServeStep is one named piece of a capability bound when the server starts:
// its routes, or background work that lives as long as the server.
type ServeStep struct {
	Name string
	Bind func(se *core.ServeEvent) error
}

// BindServe runs steps in order each time app serves, under one handler id per
// capability; the first step that fails stops the start, naming the step.
func BindServe(app core.App, id string, steps ...ServeStep) {
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: id,
		Func: func(se *core.ServeEvent) error {
			for _, s := range steps {
				if err := s.Bind(se); err != nil {
					return fmt.Errorf("bind %s: %w", s.Name, err)
				}
			}
			return se.Next()
		},
	})
}

// Register binds what every motcua app needs before any capability: the lock
// on the data folder (one server per pb_data), the caps on request bodies
// (body_cap.go) and the redaction of secrets from the request log.
func Register(app core.App) {
	BindServe(app, "motcua.base", ServeStep{"data lock", bindDataLock}, ServeStep{"body caps", bindBodyCap})
	bindLogRedaction(app)
}
