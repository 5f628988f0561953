using PainPro.Scheduling;
using PainPro.ServiceDefaults;
using PainPro.ServiceDefaults.Messaging;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddScheduling();
builder.AddPainProBus();

var app = builder.Build();
app.MapServiceDefaults();
app.MapScheduling();
app.Run();
