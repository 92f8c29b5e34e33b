package notify

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// Slack posts messages through Slack's Web API with a bot token.
type Slack struct {
	apiURL string // empty: Slack's own
	http   *http.Client
}

// NewSlack returns a poster; apiURL, when not empty, replaces Slack's API address.
func NewSlack(apiURL string) *Slack {
	if apiURL != "" && !strings.HasSuffix(apiURL, "/") {
		apiURL += "/" // slack-go appends the method name directly
	}
	return &Slack{apiURL: apiURL, http: &http.Client{Timeout: 30 * time.Second}}
}

// Client is a Slack Web API client with the token, on this poster's address and HTTP
// client, with any further options (an app-level token, say).
func (s *Slack) Client(token string, opts ...slack.Option) *slack.Client {
	opts = append([]slack.Option{slack.OptionHTTPClient(s.http)}, opts...)
	if s.apiURL != "" {
		opts = append(opts, slack.OptionAPIURL(s.apiURL))
	}
	return slack.New(token, opts...)
}

// SlackPost is one message to post.
type SlackPost struct {
	Token string
	// Key is the message's idempotency key, carried in the message's metadata.
	Key string
	// Channel is a channel to post in; empty posts to UserEmail's direct messages.
	Channel   string
	UserEmail string
	// Text is the notification preview and the fallback for clients without blocks.
	Text   string
	Blocks []slack.Block
	// Since is when the first attempt at this message began; when set, an earlier attempt
	// may have been posted, so the channel is searched for the key before posting again.
	Since time.Time
}

// metadataType marks Onboard's messages, so a retry can find what an attempt posted.
const metadataType = "onboard_notification"

// ErrSlackToken is a bot token Slack does not accept (revoked, expired, without a scope
// it needs): the workspace must fix it, and its CSMs get email meanwhile.
var ErrSlackToken = errors.New("the Slack bot token is missing or no longer accepted")

// Post posts a message and returns where it went ("channel/ts"). A message an earlier
// attempt already posted is found by its key and not posted again.
func (s *Slack) Post(ctx context.Context, p SlackPost) (string, error) {
	if p.Token == "" {
		return "", &SendError{Permanent: true, Err: ErrSlackToken}
	}
	api := s.Client(p.Token)
	channel, err := s.channel(ctx, api, p)
	if err != nil {
		return "", classifySlack(err)
	}
	if !p.Since.IsZero() {
		if ts, found, err := findPosted(ctx, api, channel, p.Key, p.Since); err != nil {
			return "", classifySlack(err)
		} else if found {
			return channel + "/" + ts, nil
		}
	}
	ch, ts, err := api.PostMessageContext(ctx, channel, slack.MsgOptionText(p.Text, false), slack.MsgOptionBlocks(p.Blocks...),
		slack.MsgOptionMetadata(slack.SlackMetadata{EventType: metadataType, EventPayload: map[string]any{"key": p.Key}}))
	if err != nil {
		return "", classifySlack(err)
	}
	return ch + "/" + ts, nil
}

// channel returns where to post: the given channel, or the direct-message conversation
// with the Slack user who has the recipient's email address.
func (s *Slack) channel(ctx context.Context, api *slack.Client, p SlackPost) (string, error) {
	if p.Channel != "" {
		return p.Channel, nil
	}
	u, err := api.GetUserByEmailContext(ctx, p.UserEmail)
	if err != nil {
		return "", err
	}
	ch, _, _, err := api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{u.ID}, ReturnIM: true})
	if err != nil {
		return "", err
	}
	return ch.ID, nil
}

// findPosted looks through the channel's messages since the first attempt for one
// carrying the key.
func findPosted(ctx context.Context, api *slack.Client, channel, key string, since time.Time) (string, bool, error) {
	params := &slack.GetConversationHistoryParameters{ChannelID: channel, IncludeAllMetadata: true, Limit: 200,
		Oldest: fmt.Sprintf("%d.000000", since.Add(-time.Minute).Unix())}
	for {
		res, err := api.GetConversationHistoryContext(ctx, params)
		if err != nil {
			return "", false, err
		}
		for _, m := range res.Messages {
			if m.Metadata.EventType == metadataType && m.Metadata.EventPayload["key"] == key {
				return m.Timestamp, true, nil
			}
		}
		if !res.HasMore || res.ResponseMetaData.NextCursor == "" {
			return "", false, nil
		}
		params.Cursor = res.ResponseMetaData.NextCursor
	}
}

// classifySlack tells a token problem (ErrSlackToken) and a refusal for good (no such
// user or channel) from a failure worth retrying (rate limits, Slack's own errors).
func classifySlack(err error) error {
	var limited *slack.RateLimitedError
	var refused slack.SlackErrorResponse
	var status slack.StatusCodeError
	switch {
	case errors.As(err, &limited):
		return &SendError{RetryAfter: limited.RetryAfter, Err: err}
	case errors.As(err, &refused):
		switch refused.Err {
		case "invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive", "missing_scope",
			"no_permission", "org_login_required", "ekm_access_denied":
			return &SendError{Permanent: true, Err: fmt.Errorf("%w: %s", ErrSlackToken, refused.Err)}
		case "ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout":
			return &SendError{Err: err}
		}
		return &SendError{Permanent: true, Err: fmt.Errorf("slack: %s", refused.Err)}
	case errors.As(err, &status):
		return &SendError{Permanent: status.Code >= 400 && status.Code < 500 && status.Code != http.StatusTooManyRequests,
			Err: fmt.Errorf("slack: %w", err)}
	}
	return &SendError{Err: fmt.Errorf("slack: %w", err)}
}

// IsTokenError reports whether err is a bot token Slack does not accept.
func IsTokenError(err error) bool { return errors.Is(err, ErrSlackToken) }

// Check asks Slack whether it accepts a bot token (auth.test) and returns the bot's name
// and its Slack workspace's. A token Slack refuses is ErrSlackToken.
func (s *Slack) Check(ctx context.Context, token string) (bot, team string, err error) {
	res, err := s.Client(token).AuthTestContext(ctx)
	if err != nil {
		return "", "", classifySlack(err)
	}
	return res.User, res.Team, nil
}

// SlackErrorCode is the error Slack answered with ("invalid_auth"), or the error itself
// in words when Slack did not answer one.
func SlackErrorCode(err error) string {
	var refused slack.SlackErrorResponse
	if errors.As(err, &refused) {
		return refused.Err
	}
	var se *SendError
	if errors.As(err, &se) && se.Err != nil {
		if errors.Is(se.Err, ErrSlackToken) {
			if _, code, ok := strings.Cut(se.Err.Error(), ": "); ok {
				return code
			}
		}
		return se.Err.Error()
	}
	return err.Error()
}
