package graphtest

import (
	"io"
	"net"
	"strings"
	"sync"
	"testing"
)

// Proxy forwards TCP to the test Neo4j and can be cut (Down: connections closed, the
// port refuses) or made to hang (Hang: connections accepted, nothing answers), so a
// test can take the database away from a running service without stopping the
// Neo4j other tests share.
type Proxy struct {
	tb     testing.TB
	target string
	Addr   string // host:port to dial instead of Neo4j
	mu     sync.Mutex
	ln     net.Listener
	hang   bool
	conns  []net.Conn
}

// NewProxy listens on a free local port in front of the test Neo4j; it is closed when
// the test ends.
func NewProxy(tb testing.TB) *Proxy {
	tb.Helper()
	p := &Proxy{tb: tb, target: strings.TrimPrefix(Config().URI, "bolt://")}
	p.listen("127.0.0.1:0")
	tb.Cleanup(p.Down)
	return p
}

// URI is the Bolt URI of the proxy.
func (p *Proxy) URI() string { return "bolt://" + p.Addr }

func (p *Proxy) listen(addr string) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		p.tb.Fatal(err)
	}
	p.mu.Lock()
	p.ln, p.Addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			hang := p.hang
			p.conns = append(p.conns, c)
			p.mu.Unlock()
			if hang {
				continue // accepted, never answered
			}
			s, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, s)
			p.mu.Unlock()
			go func() { io.Copy(s, c); s.Close() }()
			go func() { io.Copy(c, s); c.Close() }()
		}
	}()
}

// Down closes every connection and the port: Neo4j has gone away.
func (p *Proxy) Down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// Hang closes every connection but keeps the port open, accepting connections and
// never answering: a Neo4j that is stuck, or a host that swallows packets.
func (p *Proxy) Hang() {
	p.mu.Lock()
	p.hang = true
	conns := p.conns
	p.conns = nil
	p.mu.Unlock()
	for _, c := range conns {
		c.Close()
	}
}

// Up serves again on the same address, forwarding.
func (p *Proxy) Up() {
	p.mu.Lock()
	p.hang = false
	open := p.ln != nil
	p.mu.Unlock()
	if !open {
		p.listen(p.Addr)
	}
}
