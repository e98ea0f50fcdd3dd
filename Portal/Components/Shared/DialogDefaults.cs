using MudBlazor;

namespace Portal.Components.Shared;

public static class DialogDefaults
{
    /// Dialogs with a form: wide enough for a 32-character id and its helper text.
    public static readonly DialogOptions Form = new() { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true };
}
