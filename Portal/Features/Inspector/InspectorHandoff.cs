namespace Portal.Features.Inspector;

/// A token another page opens in the inspector ("Get a token now"), held in the circuit rather than the URL so the
/// token never reaches browser history, server logs or a Referer header. Read once.
public sealed class InspectorHandoff
{
    private (string Token, string? Channel, string? Uid)? _pending;

    public void Hand(string token, string? channel, string? uid) => _pending = (token, channel, uid);

    public (string Token, string? Channel, string? Uid)? Take()
    {
        var pending = _pending;
        _pending = null;
        return pending;
    }
}
