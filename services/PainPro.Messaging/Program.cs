using PainPro.Messaging;
using PainPro.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddMessaging();

var app = builder.Build();
app.MapServiceDefaults();
app.MapMessaging();
app.Run();
