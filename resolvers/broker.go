package resolvers

import (
	"context"
	"sync"
	"time"

	"github.com/tracegraph/tracegraph/graph"
)

// broker is the in-process pub/sub behind subscriptions: the write resolvers publish,
// each subscription has its own buffered channel. It lives in one handler (made by
// NewHandler); replicas each have their own, so a screen sees the writes that went
// through the replica it is connected to.
type broker struct {
	mu     sync.Mutex
	next   int
	subs   map[int]*subscriber
	closed bool
}

type subscriber struct {
	topic string
	ch    chan any
}

// subscriberBuffer is how many events a slow subscriber may lag behind; beyond it
// events are dropped for that subscriber rather than blocking the writer.
const subscriberBuffer = 64

const (
	topicCase       = "caseConfirmed"
	topicRisk       = "riskChanged"
	topicQuarantine = "quarantineChanged"
)

func newBroker() *broker { return &broker{subs: map[int]*subscriber{}} }

// subscribe returns a channel of the topic's events that is closed when ctx ends.
func (b *broker) subscribe(ctx context.Context, topic string) <-chan any {
	ch := make(chan any, subscriberBuffer)
	b.mu.Lock()
	id := b.next
	b.next++
	b.subs[id] = &subscriber{topic: topic, ch: ch}
	b.mu.Unlock()
	go func() {
		<-ctx.Done()
		b.mu.Lock()
		delete(b.subs, id)
		b.mu.Unlock()
		close(ch)
	}()
	return ch
}

// publish hands ev to every subscriber of the topic without waiting.
func (b *broker) publish(topic string, ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, s := range b.subs {
		if s.topic != topic {
			continue
		}
		select {
		case s.ch <- ev:
		default: // a subscriber this far behind misses the event
		}
	}
}

// publishCase announces a case that became confirmed or asymptomatic, and the risk
// change it brings.
func (r *Resolver) publishCase(ctx context.Context, ch *graph.CaseChange) {
	if r.events == nil {
		return
	}
	s := ch.Case.Status
	if (s == graph.StatusConfirmed || s == graph.StatusAsymptomatic) && ch.From != graph.StatusConfirmed && ch.From != graph.StatusAsymptomatic {
		c := *ch.Case
		r.events.publish(topicCase, &c)
	}
	r.publishRisk(ctx, ch.Case.PersonID)
}

// publishRisk announces that the tiers of these people, and of the people linked to
// them (household members and recorded contacts), may have changed.
func (r *Resolver) publishRisk(ctx context.Context, personIDs ...string) {
	if r.events == nil {
		return
	}
	ids, err := r.Svc.LinkedPeople(ctx, personIDs)
	if err != nil {
		ids = personIDs // the write happened: announce at least its own people
	}
	r.events.publish(topicRisk, &graph.RiskChange{PersonIDs: ids, Cause: operationName(ctx), At: time.Now()})
}

// publishRiskArea announces a designation: people who travelled from the area (or
// under it) may change tier.
func (r *Resolver) publishRiskArea(ctx context.Context, areaCode string) {
	if r.events == nil {
		return
	}
	ids, err := r.Svc.TravellersFrom(ctx, areaCode)
	if err != nil || len(ids) == 0 {
		return
	}
	r.events.publish(topicRisk, &graph.RiskChange{PersonIDs: ids, Cause: operationName(ctx), At: time.Now()})
}

// PublishQuarantineChange announces changed assignments to quarantineChanged
// subscribers; the quarantine engine's mutations call it after a run.
func (r *Resolver) PublishQuarantineChange(personIDs []string, cause string) {
	if r.events == nil || len(personIDs) == 0 {
		return
	}
	r.events.publish(topicQuarantine, &graph.QuarantineChange{PersonIDs: personIDs, Cause: cause, At: time.Now()})
}

// relay turns the broker's events of a topic into a typed channel for a subscription,
// passing each through keep (nil keeps all; keep answering false drops the event). The
// channel closes when the subscription ends.
func relay[T any](ctx context.Context, b *broker, topic string, keep func(T) (T, bool)) <-chan T {
	in := b.subscribe(ctx, topic)
	out := make(chan T, 1)
	go func() {
		defer close(out)
		for ev := range in {
			v, ok := ev.(T)
			if ok && keep != nil {
				v, ok = keep(v)
			}
			if !ok {
				continue
			}
			select {
			case out <- v:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}
