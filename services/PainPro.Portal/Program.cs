using PainPro.Portal;
using PainPro.ServiceDefaults;
using PainPro.ServiceDefaults.Messaging;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddPortal();
builder.AddPainProBus();

var app = builder.Build();
app.MapServiceDefaults();
app.MapPortal();
app.Run();
