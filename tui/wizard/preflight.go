package wizard

// BlockApps marks in s the apps whose preflight check failed with
// AppBlocked: they cannot be authorized, the others go on.
func BlockApps(s *Session, checks []Check) {
	for _, c := range checks {
		if !c.OK && c.AppBlocked && c.App != "" {
			s.Block(c.App, "cannot be authorized: "+Clean(c.Detail))
		}
	}
}

// AppsBlocked counts the failed checks that stop one app only.
func AppsBlocked(checks []Check) int {
	n := 0
	for _, c := range checks {
		if !c.OK && c.AppBlocked && c.App != "" {
			n++
		}
	}
	return n
}
