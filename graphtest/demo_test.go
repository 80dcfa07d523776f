package graphtest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDemoContentSize(t *testing.T) {
	tenant := DemoTenant()
	var roots, replies, system, withReplies, mentions, cards, files, reactions int
	for _, tm := range tenant.Teams() {
		channels, _ := tenant.Channels(tm.ID)
		for _, ch := range channels {
			threads, _, ok := tenant.channelThreads(tm.ID, ch.ID)
			require.True(t, ok)
			require.NotEmpty(t, threads, "channel %s/%s has no messages", tm.DisplayName, ch.DisplayName)
			for _, th := range threads {
				roots++
				replies += len(th.replies)
				if len(th.replies) > 0 {
					withReplies++
				}
				for _, m := range append([]Message{th.root}, th.replies...) {
					if m.MessageType == "systemEventMessage" {
						system++
					}
					if len(m.Mentions) > 0 {
						mentions++
					}
					if len(m.Reactions) > 0 {
						reactions++
					}
					for _, a := range m.Attachments {
						if a.ContentType == "reference" {
							files++
						} else {
							cards++
						}
					}
				}
			}
		}
	}
	total := roots + replies
	t.Logf("channel messages: %d roots, %d replies, %d system, %d mentions, %d files, %d cards, %d with reactions", roots, replies, system, mentions, files, cards, reactions)
	assert.True(t, total >= 3000 && total <= 6000, "total %d", total)
	assert.Greater(t, withReplies, roots/3)
	assert.Greater(t, system, 40)
	assert.Greater(t, mentions, 100)
	assert.Greater(t, files, 50)
	assert.Greater(t, cards, 5)
	assert.Greater(t, reactions, 300)

	chats := tenant.chatList()
	assert.GreaterOrEqual(t, len(chats), 30)
	kinds := map[string]int{}
	for _, c := range chats {
		kinds[c.chat.ChatType]++
		assert.NotEmpty(t, c.messages, c.chat.Topic)
	}
	assert.Positive(t, kinds["oneOnOne"])
	assert.Positive(t, kinds["group"])
	assert.Positive(t, kinds["meeting"])
}

func BenchmarkNewServerWithDemoTenant(b *testing.B) {
	DemoTenant() // the shared content is built once per process
	b.ResetTimer()
	for b.Loop() {
		s, err := NewServer(Options{})
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}
