using PainPro.Messaging;
using PainPro.ServiceDefaults;
using PainPro.ServiceDefaults.Messaging;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddMessaging();
builder.AddPainProBus();

var app = builder.Build();
app.MapServiceDefaults();
app.MapMessaging();
app.Run();
