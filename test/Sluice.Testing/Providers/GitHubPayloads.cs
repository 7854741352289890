using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Sluice.Testing.Providers;

/// <summary>One webhook request as a provider sends it: the JSON body and the request headers.</summary>
public sealed record ProviderRequest(string Body, IReadOnlyDictionary<string, string> Headers)
{
    public string Header(string name) => Headers.First(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}

/// <summary>
/// GitHub webhook deliveries modelled on GitHub's webhook documentation ("Webhook events and payloads"): the headers GitHub
/// sends (<c>X-GitHub-Event</c>, <c>X-GitHub-Delivery</c>, <c>X-GitHub-Hook-ID</c>, the installation target, the signature),
/// and bodies built from the full repository, user, organization and installation objects, with <c>reactions</c> (<c>+1</c>,
/// <c>-1</c>), an app's and an installation's <c>permissions</c> (long nested paths), <c>_links</c>, labels, commits, and the
/// events' own objects. Deterministic for a seed.
/// </summary>
public static class GitHubPayloads
{
    /// <summary>The event types of <see cref="Stream"/>, each with the action GitHub sends (null: the event has none).</summary>
    public static readonly (string Event, string? Action)[] Events =
    [
        ("push", null), ("pull_request", "opened"), ("pull_request_review", "submitted"), ("pull_request_review_comment", "created"),
        ("issues", "opened"), ("issue_comment", "created"), ("check_run", "completed"), ("check_suite", "completed"),
        ("workflow_run", "completed"), ("workflow_job", "queued"), ("create", null), ("delete", null), ("fork", null),
        ("star", "created"), ("watch", "started"), ("release", "published"), ("deployment", "created"),
        ("deployment_status", "created"), ("status", null), ("label", "created"), ("milestone", "created"), ("member", "added"),
        ("repository", "edited"), ("public", null), ("commit_comment", "created"), ("discussion", "created"),
        ("discussion_comment", "created"), ("installation", "created"), ("installation_repositories", "added"), ("ping", null),
        ("gollum", null), ("branch_protection_rule", "created"), ("dependabot_alert", "created"), ("secret_scanning_alert", "created"),
        ("code_scanning_alert", "appeared_in_branch"), ("repository_dispatch", "deploy"), ("workflow_dispatch", null),
        ("merge_group", "checks_requested"), ("team_add", null), ("meta", "deleted"),
    ];

    private static readonly string[] Logins = ["octocat", "hubot", "monalisa", "dependabot[bot]", "github-actions[bot]", "mona-lisa_2"];

    /// <summary><paramref name="count"/> deliveries cycling through <see cref="Events"/>, each with its own delivery id.</summary>
    public static IReadOnlyList<ProviderRequest> Stream(int count, int seed = 1)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i => Delivery(i, Events[i % Events.Length], random, seed)).ToList();
    }

    /// <summary>The same delivery sent again (GitHub's "Redeliver"): same body, same X-GitHub-Delivery.</summary>
    public static ProviderRequest Redelivery(ProviderRequest original) => original with { Headers = new Dictionary<string, string>(original.Headers) };

    private static ProviderRequest Delivery(int index, (string Event, string? Action) type, Random random, int seed)
    {
        var context = new Context(index, random);
        var body = type.Event switch
        {
            "push" => Push(context),
            "pull_request" => new JsonObject { ["number"] = context.Number, ["pull_request"] = PullRequest(context) },
            "pull_request_review" => new JsonObject { ["review"] = Review(context), ["pull_request"] = PullRequest(context) },
            "pull_request_review_comment" => new JsonObject { ["comment"] = ReviewComment(context), ["pull_request"] = PullRequest(context) },
            "issues" => new JsonObject { ["issue"] = Issue(context) },
            "issue_comment" => new JsonObject { ["issue"] = Issue(context), ["comment"] = Comment(context, "issues") },
            "check_run" => new JsonObject { ["check_run"] = CheckRun(context) },
            "check_suite" => new JsonObject { ["check_suite"] = CheckSuite(context) },
            "workflow_run" => new JsonObject { ["workflow_run"] = WorkflowRun(context), ["workflow"] = Workflow(context) },
            "workflow_job" => new JsonObject { ["workflow_job"] = WorkflowJob(context) },
            "create" or "delete" => new JsonObject
            {
                ["ref"] = $"feature/{context.Word()}-{context.Number}", ["ref_type"] = "branch", ["master_branch"] = "main",
                ["description"] = null, ["pusher_type"] = "user",
            },
            "fork" => new JsonObject { ["forkee"] = Repository(context, fork: true) },
            "star" => new JsonObject { ["starred_at"] = context.Time(0) },
            "watch" => [],
            "release" => new JsonObject { ["release"] = Release(context) },
            "deployment" => new JsonObject { ["deployment"] = Deployment(context), ["workflow"] = null, ["workflow_run"] = null },
            "deployment_status" => new JsonObject
            {
                ["deployment_status"] = new JsonObject
                {
                    ["url"] = context.Api($"deployments/{context.Id}/statuses/{context.Id + 1}"), ["id"] = context.Id + 1,
                    ["node_id"] = context.NodeId("DES"), ["state"] = "success", ["creator"] = User(context, 0), ["description"] = "Deployment finished successfully.",
                    ["environment"] = "production", ["target_url"] = "", ["created_at"] = context.Time(1), ["updated_at"] = context.Time(1),
                    ["deployment_url"] = context.Api($"deployments/{context.Id}"), ["repository_url"] = context.Api(string.Empty), ["environment_url"] = "https://example.com",
                    ["log_url"] = "", ["performed_via_github_app"] = null,
                },
                ["deployment"] = Deployment(context),
            },
            "status" => new JsonObject
            {
                ["id"] = context.Id, ["sha"] = context.Sha(), ["name"] = "octo-org/octo-repo", ["target_url"] = null, ["context"] = "default",
                ["description"] = null, ["state"] = "success",
                ["commit"] = new JsonObject
                {
                    ["sha"] = context.Sha(), ["node_id"] = context.NodeId("C"), ["commit"] = GitCommit(context),
                    ["url"] = context.Api($"commits/{context.Sha()}"), ["html_url"] = context.Html($"commit/{context.Sha()}"),
                    ["comments_url"] = context.Api($"commits/{context.Sha()}/comments"), ["author"] = User(context, 1), ["committer"] = User(context, 2),
                    ["parents"] = new JsonArray(new JsonObject { ["sha"] = context.Sha(), ["url"] = context.Api($"commits/{context.Sha()}"), ["html_url"] = context.Html($"commit/{context.Sha()}") }),
                },
                ["branches"] = new JsonArray(new JsonObject { ["name"] = "main", ["commit"] = new JsonObject { ["sha"] = context.Sha(), ["url"] = context.Api("commits/main") }, ["protected"] = true }),
                ["created_at"] = context.Time(0), ["updated_at"] = context.Time(0),
            },
            "label" => new JsonObject { ["label"] = Label(context, "priority: high") },
            "milestone" => new JsonObject { ["milestone"] = Milestone(context) },
            "member" => new JsonObject { ["member"] = User(context, 3), ["changes"] = new JsonObject { ["permission"] = new JsonObject { ["to"] = "write" } } },
            "repository" => new JsonObject { ["changes"] = new JsonObject { ["description"] = new JsonObject { ["from"] = "Old description" }, ["homepage"] = new JsonObject { ["from"] = "" } } },
            "public" => [],
            "commit_comment" => new JsonObject { ["comment"] = Comment(context, "comments") },
            "discussion" => new JsonObject { ["discussion"] = Discussion(context) },
            "discussion_comment" => new JsonObject { ["comment"] = Comment(context, "discussions"), ["discussion"] = Discussion(context) },
            "installation" => new JsonObject { ["repositories"] = new JsonArray(RepositoryStub(context), RepositoryStub(context)), ["requester"] = null },
            "installation_repositories" => new JsonObject
            {
                ["repository_selection"] = "selected", ["repositories_added"] = new JsonArray(RepositoryStub(context)), ["repositories_removed"] = new JsonArray(),
                ["requester"] = null,
            },
            "ping" => new JsonObject
            {
                ["zen"] = "Keep it logically awesome.", ["hook_id"] = 109948940,
                ["hook"] = new JsonObject
                {
                    ["type"] = "Repository", ["id"] = 109948940, ["name"] = "web", ["active"] = true,
                    ["events"] = new JsonArray("*"),
                    ["config"] = new JsonObject { ["content_type"] = "json", ["insecure_ssl"] = "0", ["url"] = "https://sluice.example/v1/clients/1/token/…" },
                    ["updated_at"] = context.Time(0), ["created_at"] = context.Time(0), ["url"] = context.Api("hooks/109948940"),
                    ["test_url"] = context.Api("hooks/109948940/test"), ["ping_url"] = context.Api("hooks/109948940/pings"),
                    ["deliveries_url"] = context.Api("hooks/109948940/deliveries"),
                    ["last_response"] = new JsonObject { ["code"] = null, ["status"] = "unused", ["message"] = null },
                },
            },
            "gollum" => new JsonObject
            {
                ["pages"] = new JsonArray(new JsonObject
                {
                    ["page_name"] = "Home", ["title"] = "Home", ["summary"] = null, ["action"] = "edited", ["sha"] = context.Sha(),
                    ["html_url"] = context.Html("wiki/Home"),
                }),
            },
            "branch_protection_rule" => new JsonObject { ["rule"] = ProtectionRule(context) },
            "dependabot_alert" => new JsonObject { ["alert"] = DependabotAlert(context) },
            "secret_scanning_alert" => new JsonObject
            {
                ["alert"] = new JsonObject
                {
                    ["number"] = context.Number, ["secret_type"] = "github_personal_access_token", ["secret_type_display_name"] = "GitHub Personal Access Token",
                    ["validity"] = "active", ["resolution"] = null, ["resolved_by"] = null, ["resolved_at"] = null, ["push_protection_bypassed"] = false,
                    ["created_at"] = context.Time(0), ["url"] = context.Api($"secret-scanning/alerts/{context.Number}"), ["html_url"] = context.Html($"security/secret-scanning/{context.Number}"),
                },
            },
            "code_scanning_alert" => new JsonObject
            {
                ["alert"] = new JsonObject
                {
                    ["number"] = context.Number, ["created_at"] = context.Time(0), ["state"] = "open", ["dismissed_by"] = null, ["dismissed_at"] = null,
                    ["rule"] = new JsonObject { ["id"] = "js/zipslip", ["severity"] = "error", ["description"] = "Arbitrary file write during zip extraction", ["tags"] = new JsonArray("security", "external/cwe/cwe-022") },
                    ["tool"] = new JsonObject { ["name"] = "CodeQL", ["version"] = "2.15.3", ["guid"] = null },
                    ["most_recent_instance"] = new JsonObject
                    {
                        ["ref"] = "refs/heads/main", ["analysis_key"] = ".github/workflows/codeql.yml:analyze", ["environment"] = "{\"language\":\"javascript\"}", ["state"] = "open",
                        ["location"] = new JsonObject { ["path"] = "src/unzip.js", ["start_line"] = 42, ["end_line"] = 42, ["start_column"] = 7, ["end_column"] = 31 },
                        ["classifications"] = new JsonArray(),
                    },
                },
                ["ref"] = "refs/heads/main", ["commit_oid"] = context.Sha(),
            },
            "repository_dispatch" => new JsonObject
            {
                ["branch"] = "main",
                ["client_payload"] = new JsonObject { ["environment"] = "staging", ["unit"] = false, ["integration"] = true, ["Build ID"] = context.Number },
            },
            "workflow_dispatch" => new JsonObject
            {
                ["inputs"] = new JsonObject { ["name"] = "Mona the Octocat", ["log-level"] = "debug", ["dry_run"] = "true" },
                ["ref"] = "refs/heads/main", ["workflow"] = ".github/workflows/hello-world-workflow.yml",
            },
            "merge_group" => new JsonObject
            {
                ["merge_group"] = new JsonObject
                {
                    ["head_sha"] = context.Sha(), ["head_ref"] = $"refs/heads/gh-readonly-queue/main/pr-{context.Number}-{context.Sha()}",
                    ["base_sha"] = context.Sha(), ["base_ref"] = "refs/heads/main", ["head_commit"] = HeadCommit(context),
                },
            },
            "team_add" => new JsonObject { ["team"] = Team(context) },
            "meta" => new JsonObject
            {
                ["hook_id"] = 109948940,
                ["hook"] = new JsonObject { ["type"] = "Repository", ["id"] = 109948940, ["name"] = "web", ["active"] = true, ["events"] = new JsonArray("push", "pull_request") },
            },
            _ => throw new InvalidOperationException($"No payload for {type.Event}."),
        };
        var root = new JsonObject();
        if (type.Action is { } action)
        {
            root["action"] = action;
        }

        foreach (var (key, value) in body.ToList())
        {
            body.Remove(key);
            root[key] = value;
        }

        if (type.Event != "installation" && type.Event != "installation_repositories" && type.Event != "meta")
        {
            root["repository"] = Repository(context, fork: false);
        }
        else
        {
            root["installation"] = Installation(context);
        }

        root["organization"] = Organization(context);
        root["sender"] = User(context, index % Logins.Length);
        if (type.Event is not ("installation" or "installation_repositories" or "meta" or "ping"))
        {
            root["installation"] = new JsonObject { ["id"] = 41_234_567, ["node_id"] = "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDEyMzQ1Njc=" };
        }

        var json = root.ToJsonString();
        var delivery = DeliveryId(seed, index);
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("It's a Secret to Everybody"), Encoding.UTF8.GetBytes(json)));
        return new ProviderRequest(json, new Dictionary<string, string>
        {
            ["X-GitHub-Event"] = type.Event,
            ["X-GitHub-Delivery"] = delivery,
            ["X-GitHub-Hook-ID"] = "109948940",
            ["X-GitHub-Hook-Installation-Target-Type"] = "repository",
            ["X-GitHub-Hook-Installation-Target-ID"] = "35129377",
            ["User-Agent"] = "GitHub-Hookshot/4a7c5b1",
            ["X-Hub-Signature-256"] = "sha256=" + signature,
        });
    }

    private static string DeliveryId(int seed, int index)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes($"github-delivery-{seed}-{index}"));
        return new Guid(bytes.AsSpan(0, 16)).ToString();
    }

    private sealed class Context(int index, Random random)
    {
        public int Index { get; } = index;

        public long Id { get; } = 1_296_269 + (index * 7919L);

        public int Number { get; } = 1 + (index % 3000);

        public Random Random { get; } = random;

        public string Word() => new[] { "octo", "parser", "cache", "docs", "retry", "login" }[Random.Next(6)];

        public string Sha() => Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(Random.NextInt64())))[..40];

        public string NodeId(string prefix) => prefix + "_kwDO" + Convert.ToBase64String(BitConverter.GetBytes(Id)).TrimEnd('=');

        public string Time(int minutes) =>
            new DateTime(2026, 11, 30, 8, 0, 0, DateTimeKind.Utc).AddMinutes((Index * 3) + minutes).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        public string Api(string path) => "https://api.github.com/repos/octo-org/octo-repo" + (path.Length == 0 ? string.Empty : "/" + path);

        public string Html(string path) => "https://github.com/octo-org/octo-repo/" + path;
    }

    private static JsonObject User(Context c, int which)
    {
        var login = Logins[which % Logins.Length];
        var id = 583_231 + which;
        return new JsonObject
        {
            ["login"] = login, ["id"] = id, ["node_id"] = "MDQ6VXNlcjU4MzIz" + which, ["avatar_url"] = $"https://avatars.githubusercontent.com/u/{id}?v=4",
            ["gravatar_id"] = "", ["url"] = $"https://api.github.com/users/{login}", ["html_url"] = $"https://github.com/{login}",
            ["followers_url"] = $"https://api.github.com/users/{login}/followers", ["following_url"] = $"https://api.github.com/users/{login}/following{{/other_user}}",
            ["gists_url"] = $"https://api.github.com/users/{login}/gists{{/gist_id}}", ["starred_url"] = $"https://api.github.com/users/{login}/starred{{/owner}}{{/repo}}",
            ["subscriptions_url"] = $"https://api.github.com/users/{login}/subscriptions", ["organizations_url"] = $"https://api.github.com/users/{login}/orgs",
            ["repos_url"] = $"https://api.github.com/users/{login}/repos", ["events_url"] = $"https://api.github.com/users/{login}/events{{/privacy}}",
            ["received_events_url"] = $"https://api.github.com/users/{login}/received_events", ["type"] = login.EndsWith("[bot]", StringComparison.Ordinal) ? "Bot" : "User",
            ["user_view_type"] = "public", ["site_admin"] = false,
        };
    }

    private static JsonObject Organization(Context c) => new()
    {
        ["login"] = "octo-org", ["id"] = 6_811_672, ["node_id"] = "MDEyOk9yZ2FuaXphdGlvbjY4MTE2NzI=", ["url"] = "https://api.github.com/orgs/octo-org",
        ["repos_url"] = "https://api.github.com/orgs/octo-org/repos", ["events_url"] = "https://api.github.com/orgs/octo-org/events",
        ["hooks_url"] = "https://api.github.com/orgs/octo-org/hooks", ["issues_url"] = "https://api.github.com/orgs/octo-org/issues",
        ["members_url"] = "https://api.github.com/orgs/octo-org/members{/member}", ["public_members_url"] = "https://api.github.com/orgs/octo-org/public_members{/member}",
        ["avatar_url"] = "https://avatars.githubusercontent.com/u/6811672?v=4", ["description"] = "Octo Org builds things.",
    };

    private static JsonObject Permissions() => new()
    {
        ["actions"] = "write", ["administration"] = "read", ["checks"] = "write", ["contents"] = "write", ["deployments"] = "write",
        ["discussions"] = "read", ["environments"] = "read", ["issues"] = "write", ["metadata"] = "read", ["members"] = "read",
        ["organization_administration"] = "read", ["organization_custom_roles"] = "read", ["organization_hooks"] = "write",
        ["organization_self_hosted_runners"] = "write", ["organization_secrets"] = "read", ["organization_projects"] = "admin",
        ["organization_user_blocking"] = "read", ["packages"] = "read", ["pages"] = "write", ["pull_requests"] = "write",
        ["repository_hooks"] = "write", ["repository_projects"] = "write", ["secret_scanning_alerts"] = "read", ["security_events"] = "read",
        ["statuses"] = "write", ["vulnerability_alerts"] = "read", ["workflows"] = "write",
    };

    private static JsonObject App(Context c) => new()
    {
        ["id"] = 15_368, ["client_id"] = "Iv1.8a61f9b3a7aba766", ["slug"] = "github-actions", ["node_id"] = "MDM6QXBwMTUzNjg=",
        ["owner"] = User(c, 4), ["name"] = "GitHub Actions", ["description"] = "Automate your workflow from idea to production",
        ["external_url"] = "https://help.github.com/en/actions", ["html_url"] = "https://github.com/apps/github-actions",
        ["created_at"] = "2018-07-30T09:30:17Z", ["updated_at"] = "2024-04-10T20:33:16Z", ["permissions"] = Permissions(),
        ["events"] = new JsonArray("branch_protection_rule", "check_run", "check_suite", "create", "delete", "deployment", "pull_request", "push", "workflow_dispatch"),
    };

    private static JsonObject Installation(Context c) => new()
    {
        ["id"] = 41_234_567, ["client_id"] = "Iv1.8a61f9b3a7aba766", ["account"] = User(c, 0), ["repository_selection"] = "selected",
        ["access_tokens_url"] = "https://api.github.com/app/installations/41234567/access_tokens", ["repositories_url"] = "https://api.github.com/installation/repositories",
        ["html_url"] = "https://github.com/settings/installations/41234567", ["app_id"] = 15_368, ["app_slug"] = "octo-app", ["target_id"] = 583_231,
        ["target_type"] = "User", ["permissions"] = Permissions(), ["events"] = new JsonArray("issues", "pull_request", "push"),
        ["created_at"] = c.Time(0), ["updated_at"] = c.Time(0), ["single_file_name"] = null, ["has_multiple_single_files"] = false,
        ["single_file_paths"] = new JsonArray(), ["suspended_by"] = null, ["suspended_at"] = null,
    };

    private static JsonObject RepositoryStub(Context c) => new()
    {
        ["id"] = c.Id + 17, ["node_id"] = c.NodeId("R"), ["name"] = "octo-" + c.Word(), ["full_name"] = "octo-org/octo-" + c.Word(), ["private"] = true,
    };

    private static JsonObject Repository(Context c, bool fork)
    {
        var repo = new JsonObject
        {
            ["id"] = fork ? c.Id + 1 : 35_129_377, ["node_id"] = "MDEwOlJlcG9zaXRvcnkzNTEyOTM3Nw==", ["name"] = "octo-repo",
            ["full_name"] = fork ? "monalisa/octo-repo" : "octo-org/octo-repo", ["private"] = false, ["owner"] = User(c, fork ? 2 : 0),
            ["html_url"] = "https://github.com/octo-org/octo-repo", ["description"] = "My first repository on GitHub!", ["fork"] = fork,
            ["url"] = c.Api(string.Empty),
        };
        foreach (var endpoint in new[]
        {
            "forks", "keys", "collaborators", "teams", "hooks", "issue_events", "events", "assignees", "branches", "tags", "blobs", "git_tags",
            "git_refs", "trees", "statuses", "languages", "stargazers", "contributors", "subscribers", "subscription", "commits", "git_commits",
            "comments", "issue_comment", "contents", "compare", "merges", "archive", "downloads", "issues", "pulls", "milestones",
            "notifications", "labels", "releases", "deployments",
        })
        {
            repo[endpoint + "_url"] = c.Api(endpoint);
        }

        repo["created_at"] = 1_430_869_212;
        repo["updated_at"] = c.Time(0);
        repo["pushed_at"] = 1_764_489_600 + c.Index;
        repo["git_url"] = "git://github.com/octo-org/octo-repo.git";
        repo["ssh_url"] = "git@github.com:octo-org/octo-repo.git";
        repo["clone_url"] = "https://github.com/octo-org/octo-repo.git";
        repo["svn_url"] = "https://github.com/octo-org/octo-repo";
        repo["homepage"] = null;
        repo["size"] = 9_842 + c.Index;
        repo["stargazers_count"] = 80 + (c.Index % 17);
        repo["watchers_count"] = 80 + (c.Index % 17);
        repo["language"] = "C#";
        repo["has_issues"] = true;
        repo["has_projects"] = true;
        repo["has_downloads"] = true;
        repo["has_wiki"] = true;
        repo["has_pages"] = false;
        repo["has_discussions"] = true;
        repo["forks_count"] = 9;
        repo["mirror_url"] = null;
        repo["archived"] = false;
        repo["disabled"] = false;
        repo["open_issues_count"] = 2 + (c.Index % 40);
        repo["license"] = new JsonObject { ["key"] = "mit", ["name"] = "MIT License", ["spdx_id"] = "MIT", ["url"] = "https://api.github.com/licenses/mit", ["node_id"] = "MDc6TGljZW5zZTEz" };
        repo["allow_forking"] = true;
        repo["is_template"] = false;
        repo["web_commit_signoff_required"] = false;
        repo["topics"] = new JsonArray("webhooks", "etl", "dotnet");
        repo["visibility"] = "public";
        repo["forks"] = 9;
        repo["open_issues"] = 2 + (c.Index % 40);
        repo["watchers"] = 80 + (c.Index % 17);
        repo["default_branch"] = "main";
        repo["custom_properties"] = new JsonObject { ["team"] = "data-platform", ["cost-center"] = "CC-1024" };
        return repo;
    }

    private static JsonObject Reactions(Context c, string url) => new()
    {
        ["url"] = url + "/reactions", ["total_count"] = 6, ["+1"] = 3, ["-1"] = 1, ["laugh"] = 0, ["hooray"] = 1, ["confused"] = 0,
        ["heart"] = 1, ["rocket"] = 0, ["eyes"] = c.Index % 3,
    };

    private static JsonObject Label(Context c, string name) => new()
    {
        ["id"] = 208_045_946, ["node_id"] = "MDU6TGFiZWwyMDgwNDU5NDY=", ["url"] = c.Api("labels/" + Uri.EscapeDataString(name)), ["name"] = name,
        ["color"] = "f29513", ["default"] = false, ["description"] = "Something isn't working",
    };

    private static JsonObject Milestone(Context c) => new()
    {
        ["url"] = c.Api("milestones/1"), ["html_url"] = c.Html("milestone/1"), ["labels_url"] = c.Api("milestones/1/labels"), ["id"] = 1_002_604,
        ["node_id"] = "MDk6TWlsZXN0b25lMTAwMjYwNA==", ["number"] = 1, ["title"] = "v1.0", ["description"] = "Tracking milestone for version 1.0",
        ["creator"] = User(c, 0), ["open_issues"] = 4, ["closed_issues"] = 8, ["state"] = "open", ["created_at"] = "2026-04-10T20:09:31Z",
        ["updated_at"] = c.Time(0), ["due_on"] = "2026-12-31T08:00:00Z", ["closed_at"] = null,
    };

    private static JsonObject Issue(Context c) => new()
    {
        ["url"] = c.Api($"issues/{c.Number}"), ["repository_url"] = c.Api(string.Empty), ["labels_url"] = c.Api($"issues/{c.Number}/labels{{/name}}"),
        ["comments_url"] = c.Api($"issues/{c.Number}/comments"), ["events_url"] = c.Api($"issues/{c.Number}/events"), ["html_url"] = c.Html($"issues/{c.Number}"),
        ["id"] = c.Id, ["node_id"] = c.NodeId("I"), ["number"] = c.Number, ["title"] = $"Loader stalls when the {c.Word()} is full", ["user"] = User(c, 2),
        ["labels"] = new JsonArray(Label(c, "bug"), Label(c, "good first issue")), ["state"] = "open", ["locked"] = false,
        ["assignee"] = User(c, 0), ["assignees"] = new JsonArray(User(c, 0)), ["milestone"] = Milestone(c), ["comments"] = c.Index % 9,
        ["created_at"] = c.Time(0), ["updated_at"] = c.Time(2), ["closed_at"] = null, ["author_association"] = "CONTRIBUTOR", ["active_lock_reason"] = null,
        ["body"] = "Steps to reproduce:\r\n1. Post 10k events\r\n2. Watch `rows_to_be_loaded`", ["reactions"] = Reactions(c, c.Api($"issues/{c.Number}")),
        ["timeline_url"] = c.Api($"issues/{c.Number}/timeline"), ["performed_via_github_app"] = null, ["state_reason"] = null,
        ["sub_issues_summary"] = new JsonObject { ["total"] = 0, ["completed"] = 0, ["percent_completed"] = 0 },
    };

    private static JsonObject Comment(Context c, string kind) => new()
    {
        ["url"] = c.Api($"{kind}/comments/{c.Id}"), ["html_url"] = c.Html($"{kind}/{c.Number}#issuecomment-{c.Id}"), ["id"] = c.Id, ["node_id"] = c.NodeId("IC"),
        ["user"] = User(c, 1), ["created_at"] = c.Time(1), ["updated_at"] = c.Time(1), ["author_association"] = "MEMBER",
        ["body"] = "Looks good to me :+1:", ["reactions"] = Reactions(c, c.Api($"{kind}/comments/{c.Id}")), ["performed_via_github_app"] = null,
    };

    private static JsonObject Branch(Context c, string name, int who) => new()
    {
        ["label"] = $"octo-org:{name}", ["ref"] = name, ["sha"] = c.Sha(), ["user"] = User(c, who), ["repo"] = Repository(c, fork: false),
    };

    private static JsonObject PullRequest(Context c)
    {
        var links = new JsonObject();
        foreach (var (key, path) in new[]
        {
            ("self", $"pulls/{c.Number}"), ("html", $"pull/{c.Number}"), ("issue", $"issues/{c.Number}"), ("comments", $"issues/{c.Number}/comments"),
            ("review_comments", $"pulls/{c.Number}/comments"), ("review_comment", "pulls/comments{/number}"), ("commits", $"pulls/{c.Number}/commits"),
            ("statuses", $"statuses/{c.Sha()}"),
        })
        {
            links[key] = new JsonObject { ["href"] = c.Api(path) };
        }

        return new JsonObject
        {
            ["url"] = c.Api($"pulls/{c.Number}"), ["id"] = c.Id, ["node_id"] = c.NodeId("PR"), ["html_url"] = c.Html($"pull/{c.Number}"),
            ["diff_url"] = c.Html($"pull/{c.Number}.diff"), ["patch_url"] = c.Html($"pull/{c.Number}.patch"), ["issue_url"] = c.Api($"issues/{c.Number}"),
            ["number"] = c.Number, ["state"] = "open", ["locked"] = false, ["title"] = $"Retry the {c.Word()} with a back-off", ["user"] = User(c, 2),
            ["body"] = "Fixes #12.\n\n- [x] tests\n- [ ] docs", ["created_at"] = c.Time(0), ["updated_at"] = c.Time(1), ["closed_at"] = null, ["merged_at"] = null,
            ["merge_commit_sha"] = null, ["assignee"] = null, ["assignees"] = new JsonArray(), ["requested_reviewers"] = new JsonArray(User(c, 1)),
            ["requested_teams"] = new JsonArray(), ["labels"] = new JsonArray(Label(c, "enhancement")), ["milestone"] = null, ["draft"] = c.Index % 4 == 0,
            ["commits_url"] = c.Api($"pulls/{c.Number}/commits"), ["review_comments_url"] = c.Api($"pulls/{c.Number}/comments"),
            ["review_comment_url"] = c.Api("pulls/comments{/number}"), ["comments_url"] = c.Api($"issues/{c.Number}/comments"), ["statuses_url"] = c.Api($"statuses/{c.Sha()}"),
            ["head"] = Branch(c, "feature/retry", 2), ["base"] = Branch(c, "main", 0), ["_links"] = links, ["author_association"] = "CONTRIBUTOR",
            ["auto_merge"] = null, ["active_lock_reason"] = null, ["merged"] = false, ["mergeable"] = null, ["rebaseable"] = null, ["mergeable_state"] = "unknown",
            ["merged_by"] = null, ["comments"] = 0, ["review_comments"] = 0, ["maintainer_can_modify"] = false, ["commits"] = 1 + (c.Index % 5),
            ["additions"] = 120 + c.Index, ["deletions"] = 7, ["changed_files"] = 3,
        };
    }

    private static JsonObject Review(Context c) => new()
    {
        ["id"] = c.Id, ["node_id"] = c.NodeId("PRR"), ["user"] = User(c, 1), ["body"] = null, ["commit_id"] = c.Sha(), ["submitted_at"] = c.Time(3),
        ["state"] = "approved", ["html_url"] = c.Html($"pull/{c.Number}#pullrequestreview-{c.Id}"), ["pull_request_url"] = c.Api($"pulls/{c.Number}"),
        ["author_association"] = "MEMBER",
        ["_links"] = new JsonObject { ["html"] = new JsonObject { ["href"] = c.Html($"pull/{c.Number}") }, ["pull_request"] = new JsonObject { ["href"] = c.Api($"pulls/{c.Number}") } },
    };

    private static JsonObject ReviewComment(Context c)
    {
        var comment = Comment(c, "pulls");
        comment["pull_request_review_id"] = c.Id - 1;
        comment["diff_hunk"] = "@@ -16,33 +16,40 @@ public class Loader";
        comment["path"] = "src/Sluice.Server/Loading/LoaderWorker.cs";
        comment["position"] = 1;
        comment["original_position"] = 1;
        comment["commit_id"] = c.Sha();
        comment["original_commit_id"] = c.Sha();
        comment["start_line"] = null;
        comment["line"] = 42;
        comment["side"] = "RIGHT";
        comment["subject_type"] = "line";
        return comment;
    }

    private static JsonObject GitCommit(Context c) => new()
    {
        ["author"] = new JsonObject { ["name"] = "Monalisa Octocat", ["email"] = "support@github.com", ["date"] = c.Time(0) },
        ["committer"] = new JsonObject { ["name"] = "GitHub", ["email"] = "noreply@github.com", ["date"] = c.Time(0) },
        ["message"] = "Initial commit", ["tree"] = new JsonObject { ["sha"] = c.Sha(), ["url"] = c.Api($"git/trees/{c.Sha()}") },
        ["url"] = c.Api($"git/commits/{c.Sha()}"), ["comment_count"] = 0,
        ["verification"] = new JsonObject { ["verified"] = false, ["reason"] = "unsigned", ["signature"] = null, ["payload"] = null, ["verified_at"] = null },
    };

    private static JsonObject HeadCommit(Context c) => new()
    {
        ["id"] = c.Sha(), ["tree_id"] = c.Sha(), ["message"] = "Merge pull request #12 from octo-org/feature/retry\n\nRetry with back-off",
        ["timestamp"] = c.Time(0), ["author"] = new JsonObject { ["name"] = "Monalisa Octocat", ["email"] = "mona@github.com" },
        ["committer"] = new JsonObject { ["name"] = "GitHub", ["email"] = "noreply@github.com" },
    };

    private static JsonObject Push(Context c)
    {
        var commits = new JsonArray();
        for (var i = 0; i < 1 + (c.Index % 3); i++)
        {
            commits.Add(new JsonObject
            {
                ["id"] = c.Sha(), ["tree_id"] = c.Sha(), ["distinct"] = true, ["message"] = $"Fix the {c.Word()} ({i})", ["timestamp"] = c.Time(i),
                ["url"] = c.Html($"commit/{c.Sha()}"),
                ["author"] = new JsonObject { ["name"] = "Monalisa Octocat", ["email"] = "mona@github.com", ["username"] = "monalisa" },
                ["committer"] = new JsonObject { ["name"] = "GitHub", ["email"] = "noreply@github.com", ["username"] = "web-flow" },
                ["added"] = new JsonArray($"docs/{c.Word()}.md"), ["removed"] = new JsonArray(), ["modified"] = new JsonArray("README.md", "src/Program.cs"),
            });
        }

        return new JsonObject
        {
            ["ref"] = "refs/heads/main", ["before"] = c.Sha(), ["after"] = c.Sha(), ["base_ref"] = null,
            ["compare"] = c.Html($"compare/{c.Sha()[..12]}...{c.Sha()[..12]}"), ["created"] = false, ["deleted"] = false, ["forced"] = false,
            ["commits"] = commits, ["head_commit"] = HeadCommit(c), ["pusher"] = new JsonObject { ["name"] = "monalisa", ["email"] = "mona@github.com" },
        };
    }

    private static JsonObject CheckSuite(Context c) => new()
    {
        ["id"] = c.Id, ["node_id"] = c.NodeId("CS"), ["head_branch"] = "main", ["head_sha"] = c.Sha(), ["status"] = "completed", ["conclusion"] = "success",
        ["url"] = c.Api($"check-suites/{c.Id}"), ["before"] = c.Sha(), ["after"] = c.Sha(), ["pull_requests"] = new JsonArray(), ["app"] = App(c),
        ["created_at"] = c.Time(0), ["updated_at"] = c.Time(4), ["rerequestable"] = true, ["runs_rerequestable"] = true, ["latest_check_runs_count"] = 1,
        ["check_runs_url"] = c.Api($"check-suites/{c.Id}/check-runs"), ["head_commit"] = HeadCommit(c),
    };

    private static JsonObject CheckRun(Context c) => new()
    {
        ["id"] = c.Id, ["name"] = "build (ubuntu-latest)", ["node_id"] = c.NodeId("CR"), ["head_sha"] = c.Sha(), ["external_id"] = "", ["url"] = c.Api($"check-runs/{c.Id}"),
        ["html_url"] = c.Html($"runs/{c.Id}"), ["details_url"] = c.Html($"actions/runs/{c.Id}/job/{c.Id + 3}"), ["status"] = "completed", ["conclusion"] = "success",
        ["started_at"] = c.Time(0), ["completed_at"] = c.Time(3),
        ["output"] = new JsonObject { ["title"] = null, ["summary"] = null, ["text"] = null, ["annotations_count"] = 0, ["annotations_url"] = c.Api($"check-runs/{c.Id}/annotations") },
        ["check_suite"] = CheckSuite(c), ["app"] = App(c), ["pull_requests"] = new JsonArray(),
        ["deployment"] = new JsonObject { ["url"] = c.Api("deployments/1"), ["id"] = 1, ["node_id"] = "MDEwOkRlcGxveW1lbnQx", ["task"] = "deploy", ["original_environment"] = "production", ["environment"] = "production", ["description"] = null, ["created_at"] = c.Time(0), ["updated_at"] = c.Time(0), ["statuses_url"] = c.Api("deployments/1/statuses"), ["repository_url"] = c.Api(string.Empty) },
    };

    private static JsonObject Workflow(Context c) => new()
    {
        ["id"] = 161_335, ["node_id"] = "MDg6V29ya2Zsb3cxNjEzMzU=", ["name"] = "CI", ["path"] = ".github/workflows/ci.yml", ["state"] = "active",
        ["created_at"] = "2026-04-08T13:33:43Z", ["updated_at"] = "2026-11-02T10:11:12Z", ["url"] = c.Api("actions/workflows/161335"),
        ["html_url"] = c.Html("blob/main/.github/workflows/ci.yml"), ["badge_url"] = c.Html("workflows/CI/badge.svg"),
    };

    private static JsonObject WorkflowRun(Context c) => new()
    {
        ["id"] = c.Id, ["name"] = "CI", ["node_id"] = c.NodeId("WFR"), ["head_branch"] = "main", ["head_sha"] = c.Sha(), ["path"] = ".github/workflows/ci.yml",
        ["display_title"] = "Update README.md", ["run_number"] = 562 + c.Index, ["event"] = "push", ["status"] = "completed", ["conclusion"] = "success",
        ["workflow_id"] = 161_335, ["check_suite_id"] = c.Id + 9, ["check_suite_node_id"] = c.NodeId("CS"), ["url"] = c.Api($"actions/runs/{c.Id}"),
        ["html_url"] = c.Html($"actions/runs/{c.Id}"), ["pull_requests"] = new JsonArray(), ["created_at"] = c.Time(0), ["updated_at"] = c.Time(5),
        ["actor"] = User(c, 0), ["triggering_actor"] = User(c, 0), ["run_attempt"] = 1, ["referenced_workflows"] = new JsonArray(),
        ["run_started_at"] = c.Time(0), ["jobs_url"] = c.Api($"actions/runs/{c.Id}/jobs"), ["logs_url"] = c.Api($"actions/runs/{c.Id}/logs"),
        ["head_commit"] = HeadCommit(c), ["repository"] = RepositoryStub(c), ["head_repository"] = RepositoryStub(c),
    };

    private static JsonObject WorkflowJob(Context c) => new()
    {
        ["id"] = c.Id, ["run_id"] = c.Id - 3, ["workflow_name"] = "CI", ["head_branch"] = "main", ["run_url"] = c.Api($"actions/runs/{c.Id - 3}"), ["run_attempt"] = 1,
        ["node_id"] = c.NodeId("CR"), ["head_sha"] = c.Sha(), ["url"] = c.Api($"actions/jobs/{c.Id}"), ["html_url"] = c.Html($"actions/runs/{c.Id - 3}/job/{c.Id}"),
        ["status"] = "queued", ["conclusion"] = null, ["created_at"] = c.Time(0), ["started_at"] = c.Time(0), ["completed_at"] = null, ["name"] = "build",
        ["steps"] = new JsonArray(), ["check_run_url"] = c.Api($"check-runs/{c.Id}"), ["labels"] = new JsonArray("ubuntu-latest"),
        ["runner_id"] = null, ["runner_name"] = null, ["runner_group_id"] = null, ["runner_group_name"] = null,
    };

    private static JsonObject Release(Context c) => new()
    {
        ["url"] = c.Api($"releases/{c.Id}"), ["assets_url"] = c.Api($"releases/{c.Id}/assets"), ["upload_url"] = $"https://uploads.github.com/repos/octo-org/octo-repo/releases/{c.Id}/assets{{?name,label}}",
        ["html_url"] = c.Html($"releases/tag/v1.{c.Index}.0"), ["id"] = c.Id, ["author"] = User(c, 0), ["node_id"] = c.NodeId("RE"), ["tag_name"] = $"v1.{c.Index}.0",
        ["target_commitish"] = "main", ["name"] = $"v1.{c.Index}.0", ["draft"] = false, ["prerelease"] = false, ["created_at"] = c.Time(0), ["published_at"] = c.Time(1),
        ["assets"] = new JsonArray(new JsonObject
        {
            ["url"] = c.Api($"releases/assets/{c.Id + 5}"), ["id"] = c.Id + 5, ["node_id"] = c.NodeId("RA"), ["name"] = "sluice-linux-x64.tar.gz", ["label"] = "",
            ["uploader"] = User(c, 4), ["content_type"] = "application/gzip", ["state"] = "uploaded", ["size"] = 31_457_280, ["download_count"] = 0,
            ["created_at"] = c.Time(1), ["updated_at"] = c.Time(1), ["browser_download_url"] = c.Html($"releases/download/v1.{c.Index}.0/sluice-linux-x64.tar.gz"),
        }),
        ["tarball_url"] = c.Api($"tarball/v1.{c.Index}.0"), ["zipball_url"] = c.Api($"zipball/v1.{c.Index}.0"), ["body"] = "## What's Changed\n* Retry with back-off",
        ["reactions"] = Reactions(c, c.Api($"releases/{c.Id}")),
    };

    private static JsonObject Deployment(Context c) => new()
    {
        ["url"] = c.Api($"deployments/{c.Id}"), ["id"] = c.Id, ["node_id"] = c.NodeId("DE"), ["sha"] = c.Sha(), ["ref"] = "main", ["task"] = "deploy",
        ["payload"] = new JsonObject { ["canary"] = true, ["region"] = "eu-west-1" }, ["original_environment"] = "production", ["environment"] = "production",
        ["description"] = null, ["creator"] = User(c, 4), ["created_at"] = c.Time(0), ["updated_at"] = c.Time(0),
        ["statuses_url"] = c.Api($"deployments/{c.Id}/statuses"), ["repository_url"] = c.Api(string.Empty), ["performed_via_github_app"] = App(c),
    };

    private static JsonObject Discussion(Context c) => new()
    {
        ["repository_url"] = c.Api(string.Empty), ["category"] = new JsonObject
        {
            ["id"] = 33_455_422, ["node_id"] = "DIC_kwDOF", ["repository_id"] = 35_129_377, ["emoji"] = ":speech_balloon:", ["name"] = "General",
            ["description"] = "Chat about anything and everything here", ["created_at"] = "2026-01-05T17:41:09Z", ["updated_at"] = "2026-01-05T17:41:09Z",
            ["slug"] = "general", ["is_answerable"] = false,
        },
        ["answer_html_url"] = null, ["answer_chosen_at"] = null, ["answer_chosen_by"] = null, ["html_url"] = c.Html($"discussions/{c.Number}"), ["id"] = c.Id,
        ["node_id"] = c.NodeId("D"), ["number"] = c.Number, ["title"] = "How do I load GitHub events?", ["user"] = User(c, 5), ["state"] = "open", ["locked"] = false,
        ["comments"] = 0, ["created_at"] = c.Time(0), ["updated_at"] = c.Time(0), ["author_association"] = "NONE", ["active_lock_reason"] = null,
        ["body"] = "Is there a way to get one table per event?", ["reactions"] = Reactions(c, c.Api($"discussions/{c.Number}")), ["timeline_url"] = c.Api($"discussions/{c.Number}/timeline"),
    };

    private static JsonObject ProtectionRule(Context c) => new()
    {
        ["id"] = 21_796_960, ["repository_id"] = 35_129_377, ["name"] = "main", ["created_at"] = c.Time(0), ["updated_at"] = c.Time(0),
        ["pull_request_reviews_enforcement_level"] = "everyone", ["required_approving_review_count"] = 2, ["dismiss_stale_reviews_on_push"] = true,
        ["require_code_owner_review"] = true, ["authorized_dismissal_actors_only"] = false, ["ignore_approvals_from_contributors"] = false,
        ["required_status_checks"] = new JsonArray("build (ubuntu-latest)", "test"), ["required_status_checks_enforcement_level"] = "everyone",
        ["strict_required_status_checks_policy"] = true, ["signature_requirement_enforcement_level"] = "off", ["linear_history_requirement_enforcement_level"] = "everyone",
        ["lock_branch_enforcement_level"] = "off", ["admin_enforced"] = true, ["allow_force_pushes_enforcement_level"] = "off",
        ["allow_deletions_enforcement_level"] = "off", ["merge_queue_enforcement_level"] = "off", ["required_deployments_enforcement_level"] = "off",
        ["required_conversation_resolution_level"] = "everyone", ["authorized_actors_only"] = true, ["authorized_actor_names"] = new JsonArray("octocat"),
        ["require_last_push_approval"] = false,
    };

    private static JsonObject DependabotAlert(Context c) => new()
    {
        ["number"] = c.Number, ["state"] = "open",
        ["dependency"] = new JsonObject { ["package"] = new JsonObject { ["ecosystem"] = "nuget", ["name"] = "Newtonsoft.Json" }, ["manifest_path"] = "src/App/App.csproj", ["scope"] = "runtime" },
        ["security_advisory"] = new JsonObject
        {
            ["ghsa_id"] = "GHSA-5crp-9r3c-p9vr", ["cve_id"] = "CVE-2024-21907", ["summary"] = "Improper Handling of Exceptional Conditions in Newtonsoft.Json",
            ["description"] = "Newtonsoft.Json prior to version 13.0.1 is vulnerable to Insecure Defaults due to improper handling of StackOverFlow exception.",
            ["severity"] = "high", ["identifiers"] = new JsonArray(new JsonObject { ["value"] = "GHSA-5crp-9r3c-p9vr", ["type"] = "GHSA" }, new JsonObject { ["value"] = "CVE-2024-21907", ["type"] = "CVE" }),
            ["references"] = new JsonArray(new JsonObject { ["url"] = "https://nvd.nist.gov/vuln/detail/CVE-2024-21907" }),
            ["published_at"] = "2022-06-22T15:08:47Z", ["updated_at"] = "2024-01-03T16:54:30Z", ["withdrawn_at"] = null,
            ["vulnerabilities"] = new JsonArray(new JsonObject
            {
                ["package"] = new JsonObject { ["ecosystem"] = "nuget", ["name"] = "Newtonsoft.Json" }, ["severity"] = "high",
                ["vulnerable_version_range"] = "< 13.0.1", ["first_patched_version"] = new JsonObject { ["identifier"] = "13.0.1" },
            }),
            ["cvss"] = new JsonObject { ["vector_string"] = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", ["score"] = 7.5 },
            ["cwes"] = new JsonArray(new JsonObject { ["cwe_id"] = "CWE-755", ["name"] = "Improper Handling of Exceptional Conditions" }),
        },
        ["url"] = c.Api($"dependabot/alerts/{c.Number}"), ["html_url"] = c.Html($"security/dependabot/{c.Number}"), ["created_at"] = c.Time(0), ["updated_at"] = c.Time(0),
        ["dismissed_at"] = null, ["dismissed_by"] = null, ["dismissed_reason"] = null, ["dismissed_comment"] = null, ["fixed_at"] = null, ["auto_dismissed_at"] = null,
    };

    private static JsonObject Team(Context c) => new()
    {
        ["name"] = "Data Platform", ["id"] = 2_723_476, ["node_id"] = "MDQ6VGVhbTI3MjM0NzY=", ["slug"] = "data-platform", ["description"] = "Owns the warehouse",
        ["privacy"] = "closed", ["notification_setting"] = "notifications_enabled", ["url"] = "https://api.github.com/organizations/6811672/team/2723476",
        ["html_url"] = "https://github.com/orgs/octo-org/teams/data-platform", ["members_url"] = "https://api.github.com/organizations/6811672/team/2723476/members{/member}",
        ["repositories_url"] = "https://api.github.com/organizations/6811672/team/2723476/repos", ["permission"] = "pull", ["parent"] = null,
    };
}
