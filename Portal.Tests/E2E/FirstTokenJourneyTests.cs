using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Tokens.Inspection;

namespace Portal.Tests.E2E;

/// Issue 19's journey, as a new user takes it: an empty data directory, the printed password, the dashboard's checklist
/// and nothing else, to a token that Portal.Tokens verifies. It counts the page loads and clicks it took (test output,
/// the test's attachments and `first-token-journey.txt` next to the screenshots). With PORTAL_DOCS_IMAGES set to a
/// directory it also writes the README's screenshots there (see README.md, "Screenshots").
[Trait("Category", "E2E")]
[Collection(BrowserFixture.Collection)] // one browser test at a time: run side by side on 2 cores they timed out
public sealed class FirstTokenJourneyTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IDisposable
{
    public void Dispose() => browser.Journal.WriteIfFailed();

    private const string AppId = "970CA35de60c44645bbae8a215061b33";
    private const string Certificate = "5CFd2fd1755d40ecb72977518be15d3b";
    private const string NewPassword = "my own long passphrase";

    private int _clicks, _loads, _shot;

    [Fact]
    public async Task NewInstallation_FromThePrintedPassword_ThroughTheDashboardChecklist_ToAVerifiedFirstToken()
    {
        var ct = TestContext.Current.CancellationToken;
        var baseUrl = browser.BaseUrl;
        var password = (await File.ReadAllTextAsync(Path.Combine(browser.App.DataDirectory, "initial-admin-password"), ct)).Trim();
        await using var context = await browser.OpenContextAsync(new()
        {
            ViewportSize = new() { Width = 1280, Height = 900 },
            Permissions = ["clipboard-read", "clipboard-write"],
        });
        var page = await context.NewPageAsync();
        page.Load += (_, _) => _loads++;
        var started = Stopwatch.StartNew();

        // 1. Sign in with the generated password, then choose one's own.
        await page.GotoAsync(baseUrl + "/");
        await BrowserFixture.UrlAsync(page, new Regex("/Identity/Account/Login"));
        await Shot(page, "sign-in");
        await page.FillAsync("#Input_Email", "admin@localhost");
        await page.FillAsync("#Input_Password", password);
        await Click(page.Locator("#login-submit"));
        await BrowserFixture.UrlAsync(page, new Regex("/Identity/Account/Manage/ChangePassword$"));
        await page.FillAsync("#Input_OldPassword", password);
        await page.FillAsync("#Input_NewPassword", NewPassword);
        await page.FillAsync("#Input_ConfirmPassword", NewPassword);
        await Shot(page, "change-password");
        await Click(page.Locator("button[type=submit]"));
        await Assertions.Expect(page.Locator(".alert-success")).ToContainTextAsync("Your password has been changed");
        await Click(page.GetByRole(AriaRole.Link, new() { Name = "Dashboard" }));

        // 2. The checklist from zero.
        await page.Locator("[data-interactive=true]").WaitForAsync();
        var checklist = page.GetByTestId("first-run-checklist");
        await Assertions.Expect(checklist).ToHaveAttributeAsync("data-from-zero", "true");
        await Assertions.Expect(checklist.Locator("li")).ToHaveCountAsync(5);
        await Shot(page, "checklist-from-zero");

        await Click(page.GetByTestId("checklist-organization"));
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Name").FillAsync("Acme");
        await Assertions.Expect(dialog.GetByLabel("I will be a member (Owner)")).ToBeCheckedAsync();
        await Shot(page, "new-organization");
        await Click(dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }));
        await Done(checklist, "organization");
        await Assertions.Expect(page.GetByTestId("organization-name")).ToHaveTextAsync("Acme");

        await Click(page.GetByTestId("checklist-project"));
        dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Name").FillAsync("Classroom app");
        await dialog.GetByLabel("App ID").FillAsync(AppId);
        await Shot(page, "new-project");
        await Click(dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }));
        await Done(checklist, "project");

        await Click(page.GetByTestId("checklist-import"));
        dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("App Certificate").FillAsync(Certificate);
        await Shot(page, "import-certificate");
        await Click(dialog.GetByRole(AriaRole.Button, new() { Name = "Import" }));
        await Done(checklist, "certificate");

        await Click(page.GetByTestId("checklist-key"));
        dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Name").FillAsync("Backend");
        await Click(dialog.GetByRole(AriaRole.Button, new() { Name = "Create key" }));

        // 3. The key on screen, with a curl that already carries it: copy it and run it as a backend would.
        var reveal = page.GetByRole(AriaRole.Dialog);
        var key = (await reveal.GetByTestId("new-api-key").TextContentAsync())!.Trim();
        Assert.StartsWith("sk_", key);
        await Shot(page, "key-and-curl");
        await Click(reveal.GetByRole(AriaRole.Button, new() { Name = "Copy curl command" }));
        // The copy is a round trip through the circuit to the browser's clipboard: wait for it rather than read at once.
        await page.WaitForFunctionAsync("async key => (await navigator.clipboard.readText()).includes(key)", key,
            new() { Timeout = 15_000 });
        var curl = await page.EvaluateAsync<string>("navigator.clipboard.readText()");
        Assert.Contains(key, curl);
        var fromCurl = JsonDocument.Parse(await RunAsync(curl, ct)).RootElement.GetProperty("token").GetString()!;
        AssertVerifies(fromCurl);

        // 4. "Get a token now": a test token, opened in the inspector.
        await Click(reveal.GetByTestId("reveal-get-token"));
        try
        {
            await BrowserFixture.UrlAsync(page, new Regex("/inspect$"));
        }
        catch (PlaywrightException)
        {
            await Shot(page, "get-token-did-not-open-the-inspector"); // what the page showed instead, for the failure
            throw;
        }
        await Assertions.Expect(page.GetByTestId("inspect-verdict")).ToContainTextAsync("Valid.");
        await Assertions.Expect(page.GetByTestId("field-project")).ToHaveTextAsync("Classroom app");
        var minted = (await page.GetByTestId("inspect-token").InputValueAsync()).Trim();
        AssertVerifies(minted);
        await Shot(page, "first-token-in-inspector");
        started.Stop();

        var figure = $"First token journey: {_loads} page loads and {_clicks} clicks, from the sign-in page to a verified token " +
                     $"({started.Elapsed.TotalSeconds:F0} s in the test browser).";
        TestContext.Current.TestOutputHelper?.WriteLine(figure);
        TestContext.Current.AddAttachment("first-token-journey", figure);
        await File.WriteAllTextAsync(Path.Combine(Path.GetDirectoryName(BrowserFixture.ScreenshotPath("19-00-sign-in"))!, "first-token-journey.txt"), figure + "\n", ct);
        Assert.True(_clicks <= 15, figure);

        // 5. Afterwards (not counted): the checklist is gone, the figures count both tokens; the project page.
        // Usage reaches the database every 2 seconds, and the dashboard reads it when it opens.
        for (var attempt = 0; ; attempt++)
        {
            await page.GotoAsync(baseUrl + "/");
            await page.Locator("[data-interactive=true]").WaitForAsync();
            if (await page.GetByTestId("tokens-today").TextContentAsync() == "2" || attempt == 10) break;
            await Task.Delay(1000, ct);
        }
        await Assertions.Expect(page.GetByTestId("first-run-checklist")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("tokens-today")).ToHaveTextAsync("2"); // the curl's and the test token
        await Shot(page, "dashboard-after-first-token", docsName: "dashboard");
        await Click(page.GetByRole(AriaRole.Link, new() { Name = "All projects" }));
        await Click(page.GetByRole(AriaRole.Link, new() { Name = "Classroom app" }));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Classroom app" })).ToBeVisibleAsync();
        await Shot(page, "project-page", docsName: "project");
    }

    private async Task Click(ILocator target)
    {
        _clicks++;
        await target.ClickAsync();
    }

    private static async Task Done(ILocator checklist, string step) =>
        await Assertions.Expect(checklist.GetByTestId($"step-{step}")).ToHaveAttributeAsync("data-done", "true");

    private async Task Shot(IPage page, string name, string? docsName = null)
    {
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath($"19-{++_shot:00}-{name}"), FullPage = true });
        if (docsName is not null && Environment.GetEnvironmentVariable("PORTAL_DOCS_IMAGES") is { Length: > 0 } docs)
        {
            Directory.CreateDirectory(docs);
            await page.ScreenshotAsync(new() { Path = Path.Combine(docs, docsName + ".png") });
        }
    }

    /// The copied command through a shell, as pasted, plus flags that make an HTTP error fail the run.
    private static async Task<string> RunAsync(string command, CancellationToken ct)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", ["-c", command + " --silent --show-error --fail-with-body"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = await process.StandardOutput.ReadToEndAsync(ct);
        var error = await process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        Assert.True(process.ExitCode == 0, $"curl exited {process.ExitCode}: {error}{output}");
        return output;
    }

    private static void AssertVerifies(string token)
    {
        var report = TokenVerifier.Verify(token, new TokenVerifyOptions(Certificate)
        {
            AppId = AppId,
            ChannelName = "demo",
            Uid = "42",
            Now = DateTimeOffset.UtcNow,
        });
        Assert.True(report.Valid, report.ToJson());
    }
}
