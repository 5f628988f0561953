using PainPro.Scheduling;
using PainPro.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddScheduling();

var app = builder.Build();
app.MapServiceDefaults();
app.MapScheduling();
app.Run();
