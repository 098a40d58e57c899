package sqlstore

import (
	"container/list"
	"sync"

	"github.com/motcua/motcua/dossier"
)

// A cache keeps the dossiers this Store read or wrote last, so that Append
// applies new events to a dossier it already holds instead of reading its
// history again. An entry is trusted only as far as the stored version
// says: events are append-only and numbered, so a dossier whose row is at
// the entry's version has the entry's history, and Append's write is
// guarded by exactly that version. An entry that another process has
// overtaken costs one ErrConflict, which the caller gets anyway.
//
// The cache holds at most cacheEvents events (about 300 bytes each), less
// recently used dossiers going first. It is safe for concurrent use, and
// the dossiers it holds are never changed: get's callers clone them.
type cache struct {
	mu     sync.Mutex
	byCode map[dossier.Code]*list.Element // of *dossier.Dossier
	lru    list.List                      // most recent first
	events int
}

// cacheEvents bounds the events the cache holds: 32768 is a few thousand
// open dossiers of a busy centre, some 10 MB.
const cacheEvents = 1 << 15

// get returns the cached dossier with code c, or nil. The caller must not
// change it.
func (c *cache) get(code dossier.Code) *dossier.Dossier {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byCode[code]
	if !ok {
		return nil
	}
	c.lru.MoveToFront(el)
	return el.Value.(*dossier.Dossier)
}

// put keeps d, which the cache then owns, unless it holds a later version
// of it: versions only grow, so the later one is the truer.
func (c *cache) put(d *dossier.Dossier) {
	cost := len(d.Events) + 1
	if cost > cacheEvents/4 {
		return // one dossier must not empty the cache
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byCode == nil {
		c.byCode = map[dossier.Code]*list.Element{}
	}
	if el, ok := c.byCode[d.Code]; ok {
		old := el.Value.(*dossier.Dossier)
		if old.Version > d.Version {
			return
		}
		c.events += cost - (len(old.Events) + 1)
		el.Value = d
		c.lru.MoveToFront(el)
	} else {
		c.byCode[d.Code] = c.lru.PushFront(d)
		c.events += cost
	}
	for c.events > cacheEvents {
		c.remove(c.lru.Back())
	}
}

// drop forgets the dossier with code c if the cache holds it at version:
// the database holds a later one.
func (c *cache) drop(code dossier.Code, version int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byCode[code]; ok && el.Value.(*dossier.Dossier).Version == version {
		c.remove(el)
	}
}

func (c *cache) remove(el *list.Element) {
	d := c.lru.Remove(el).(*dossier.Dossier)
	delete(c.byCode, d.Code)
	c.events -= len(d.Events) + 1
}
