namespace Portal.Tokens.Tests;

public sealed class PlaceholderTests
{
    [Fact]
    public void Engine_assembly_loads() => Assert.Equal("Portal.Tokens", typeof(Portal.Tokens.AssemblyMarker).Assembly.GetName().Name);
}
