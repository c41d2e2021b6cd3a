using System.Net;
using ActorSockets.Server.Operations;

namespace ActorSockets.Tests.Operations;

/// <summary>Asks a server's HTTP endpoint (<c>metrics.prometheus</c>) what a scraper or an orchestrator's probe would.</summary>
internal sealed class HttpProbe : IDisposable
{
    private readonly HttpClient _http;

    public HttpProbe(IServiceProvider server) =>
        _http = new HttpClient { BaseAddress = ServerOperations.HttpAddress(server) ?? throw new InvalidOperationException("the server has no HTTP endpoint"), Timeout = TimeSpan.FromSeconds(10) };

    public async Task<(HttpStatusCode Status, string Body)> GetAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Asks <paramref name="path"/> until it answers <paramref name="status"/>, at most for <paramref name="bound"/>; the last answer.</summary>
    public async Task<(HttpStatusCode Status, string Body)> WaitForAsync(string path, HttpStatusCode status, TimeSpan bound)
    {
        var deadline = DateTime.UtcNow + bound;
        var answer = await GetAsync(path);
        while (answer.Status != status && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            answer = await GetAsync(path);
        }
        return answer;
    }

    public void Dispose() => _http.Dispose();
}
