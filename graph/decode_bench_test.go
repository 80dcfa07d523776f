package graph

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	jsonserialization "github.com/microsoft/kiota-serialization-json-go"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/stretchr/testify/require"
)

// chatMessagePage builds a page of n chat messages shaped like Graph's
// GET /teams/{id}/channels/{id}/messages responses.
func chatMessagePage(n int) []byte {
	items := make([]string, n)
	for i := range items {
		items[i] = fmt.Sprintf(`{
  "id": "17%011d",
  "replyToId": null,
  "etag": "17%011d",
  "messageType": "message",
  "createdDateTime": "2024-05-01T10:%02d:12.345Z",
  "lastModifiedDateTime": "2024-05-01T10:%02d:12.345Z",
  "lastEditedDateTime": null,
  "deletedDateTime": null,
  "subject": "Release planning %d",
  "summary": null,
  "chatId": null,
  "importance": "normal",
  "locale": "en-us",
  "webUrl": "https://teams.microsoft.com/l/message/19%%3Aabc%%40thread.tacv2/17%011d?groupId=02bd9fd6-8f93-4758-87c3-1fb73740a315",
  "policyViolation": null,
  "eventDetail": null,
  "from": {
    "application": null,
    "device": null,
    "user": {
      "@odata.type": "#microsoft.graph.teamworkUserIdentity",
      "id": "8b081ef6-4792-4def-b2c9-c363a1bf41d5",
      "displayName": "Megan Bowen",
      "userIdentityType": "aadUser",
      "tenantId": "dcd219dd-bc68-4b9b-bf0b-4a33a796be35"
    }
  },
  "body": {
    "contentType": "html",
    "content": "<div><p>Hi team, the release train for sprint %d leaves on Friday. Please update your items &amp; tag <at id=\"0\">Adele Vance</at> with blockers.</p></div>"
  },
  "channelIdentity": {
    "teamId": "02bd9fd6-8f93-4758-87c3-1fb73740a315",
    "channelId": "19:abc@thread.tacv2"
  },
  "attachments": [],
  "mentions": [
    {
      "id": 0,
      "mentionText": "Adele Vance",
      "mentioned": {
        "application": null,
        "device": null,
        "conversation": null,
        "tag": null,
        "user": {
          "@odata.type": "#microsoft.graph.teamworkUserIdentity",
          "id": "626cbf8c-5dde-46b0-8385-9e40d64736fe",
          "displayName": "Adele Vance",
          "userIdentityType": "aadUser"
        }
      }
    }
  ],
  "reactions": [
    {
      "reactionType": "like",
      "createdDateTime": "2024-05-01T11:00:00.000Z",
      "user": {
        "application": null,
        "device": null,
        "user": {
          "@odata.type": "#microsoft.graph.teamworkUserIdentity",
          "id": "626cbf8c-5dde-46b0-8385-9e40d64736fe",
          "displayName": null,
          "userIdentityType": "aadUser"
        }
      }
    }
  ]
}`, i, i, i%60, i%60, i, i, i)
	}
	return []byte(`{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#teams('02bd9fd6-8f93-4758-87c3-1fb73740a315')/channels('19%3Aabc%40thread.tacv2')/messages","@odata.count":50,"@odata.nextLink":"https://graph.microsoft.com/v1.0/teams/02bd9fd6-8f93-4758-87c3-1fb73740a315/channels/19:abc@thread.tacv2/messages?$skiptoken=abc","value":[` +
		strings.Join(items, ",") + `]}`)
}

func decodeWithSDKModels(body []byte) (int, error) {
	node, err := jsonserialization.NewJsonParseNode(body)
	if err != nil {
		return 0, err
	}
	v, err := node.GetObjectValue(models.CreateChatMessageCollectionResponseFromDiscriminatorValue)
	if err != nil {
		return 0, err
	}
	return len(v.(models.ChatMessageCollectionResponseable).GetValue()), nil
}

func decodeRawThenItems(body []byte) (int, error) {
	page, err := decodePage(body)
	if err != nil {
		return 0, err
	}
	for _, item := range page.Items {
		var m map[string]any
		if err := json.Unmarshal(item, &m); err != nil {
			return 0, err
		}
	}
	return len(page.Items), nil
}

func TestDecodePathsAgree(t *testing.T) {
	body := chatMessagePage(50)
	page, err := decodePage(body)
	require.NoError(t, err)
	require.Len(t, page.Items, 50)
	require.Equal(t, int64(50), *page.Count)
	require.Contains(t, page.NextLink, "$skiptoken=abc")

	n, err := decodeWithSDKModels(body)
	require.NoError(t, err)
	require.Equal(t, 50, n)
	n, err = decodeRawThenItems(body)
	require.NoError(t, err)
	require.Equal(t, 50, n)
}

// BenchmarkDecodePage justifies reading pages raw: "raw" is what Pager.Next
// does, "raw+items" adds decoding every item into a map (what a consumer of
// the raw items pays at most), "sdk-models" is the msgraph-sdk-go model
// deserializer the SDK's typed request builders would use.
func BenchmarkDecodePage(b *testing.B) {
	body := chatMessagePage(50)
	cases := []struct {
		name   string
		decode func([]byte) (int, error)
	}{
		{"raw", func(body []byte) (int, error) {
			p, err := decodePage(body)
			if err != nil {
				return 0, err
			}
			return len(p.Items), nil
		}},
		{"raw+items", decodeRawThenItems},
		{"sdk-models", decodeWithSDKModels},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				n, err := c.decode(body)
				if err != nil || n != 50 {
					b.Fatalf("decoded %d items: %v", n, err)
				}
			}
		})
	}
}
