package tui

import (
	"context"
	"slices"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// background is the wizard's work off the critical path, shared by both
// front-ends: the next app's code, asked for while the current one's is
// pending (wizard.Prefetch), and the org's name and user count, read once
// per org after an approval (wizard.Orgs). After an approval only the
// approver (Authorizer.Approver) is on the path to the next app.
type background struct {
	pf   *wizard.Prefetch
	orgs *wizard.Orgs
}

// newBackground sets up the background work of deps under ctx (canceled
// when the wizard quits, which cancels it all).
func newBackground(ctx context.Context, deps Deps) background {
	a, clock := deps.Authorizer, deps.Clock
	return background{
		pf: wizard.NewPrefetch(ctx, func(ctx context.Context, app flows.App) (flows.DeviceCode, error) {
			return a.Start(ctx, app, nil)
		}, clock.Now),
		orgs: wizard.NewOrgs(ctx, func(ctx context.Context, app flows.App, g flows.Grant, orgID string) (flows.Identity, error) {
			return a.OrgFacts(ctx, app, g, orgID, nil)
		}, nil),
	}
}

// start is app's code: the prefetched one when it is there (or on its
// way) with at least wizard.MinCodeLife left, a fresh one otherwise.
func (b background) start(ctx context.Context, a Authorizer, app flows.App, onRetry func(flows.RetryEvent)) (flows.DeviceCode, error) {
	if code, ok := b.pf.Take(ctx, app); ok {
		return code, nil
	}
	return a.Start(ctx, app, onRetry)
}

// ahead prefetches the code of the app after the current one, if any (not
// past the last app, not for an approval already given).
func (b background) ahead(s *wizard.Session) {
	if next, ok := s.UpNext(); ok {
		b.pf.Ahead(next)
	}
}

// refresh replaces a prefetched code before it is too old to show (on the
// clock's tick).
func (b background) refresh() { b.pf.Refresh() }

// fetchOrg starts reading, with the token of each app authorized in the
// session's org, what is still unknown of the org and that app may read
// (once per org and fact; a resumed draft's approvals read what the draft
// lacks), and takes in what has arrived.
func (b background) fetchOrg(s *wizard.Session) {
	known := s.KnownOrg()
	for _, id := range s.Selected {
		r := s.Results[id]
		if r == nil || r.Status != wizard.Authorized || r.Pending() || r.Org.ID == "" || r.Org.ID != known.ID {
			continue
		}
		g := wizard.GrantOf(r.Grant)
		scopes := g.Scopes
		if len(scopes) == 0 {
			scopes = r.App.Scopes
		}
		scopes = slices.DeleteFunc(slices.Clone(scopes), func(sc string) bool {
			return sc == flows.OrganizationsReadScope && known.Name != "" || sc == flows.PeopleReadScope && known.UserCount > 0
		})
		if len(scopes) > 0 {
			g.Scopes = scopes
			b.orgs.Fetch(r.App, g, r.Org.ID)
		}
	}
	b.apply(s)
}

// apply gives the session what has arrived of its org.
func (b background) apply(s *wizard.Session) {
	if s.OrgID() != "" {
		s.ApplyOrgFacts(b.orgs.Facts(s.OrgID()))
	}
}

// orgPending tells whether a read of the session's org is still under way.
func (b background) orgPending(s *wizard.Session) bool {
	return s.OrgID() != "" && b.orgs.Facts(s.OrgID()).Pending
}

// waitOrg waits for the reads of org orgID under way (the review needs
// them), or for ctx.
func (b background) waitOrg(ctx context.Context, orgID string) {
	b.orgs.Wait(ctx, orgID)
}

// endCodes drops the prefetched codes (the queue is done, or the wizard
// quits): none of them is shown.
func (b background) endCodes() { b.pf.Close() }
