-- Patient search (issue 19): a name is found whatever its accents and case ("lucia" finds Lucía, "munoz" Muñoz).
-- name_key is the name folded as PatientSearch.Fold folds a query — accents removed, lower case, ø æ ß ł đ œ … spelt
-- out — in both orders ("given family / family given"), computed by the database so every writer keeps it current.
-- The replacements cover Latin-1 and Latin Extended-A; PatientSearchTests checks them against PatientSearch.Fold.
-- SQL Server: TRANSLATE folds the one-letter replacements in one call (nesting two hundred REPLACEs is past T-SQL's
-- nesting limit); the few that spell out two letters stay REPLACEs. Cast to a bounded length so it can be indexed.
ALTER TABLE patients ADD name_key AS CAST(LOWER(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(TRANSLATE(given_name + N' ' + family_name + N' / ' + family_name + N' ' + given_name, N'ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝàáâãäåçèéêëìíîïðñòóôõöøùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĐđĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦħĨĩĪīĬĭĮįİıĲĴĵĶķĸĹĺĻļĽľĿŀŁłŃńŅņŇňŊŋŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŦŧŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽž', N'aaaaaaceeeeiiiidnoooooouuuuyaaaaaaceeeeiiiidnoooooouuuuyyaaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiĳjjkkkllllllllllnnnnnnnnoooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzz'), N'Æ', N'ae'), N'Þ', N'th'), N'ß', N'ss'), N'æ', N'ae'), N'þ', N'th'), N'Œ', N'oe'), N'œ', N'oe')) AS nvarchar(400)) PERSISTED;
GO
-- Search reads names from this narrow index rather than the table.
CREATE INDEX patients_name_key ON patients (name_key, id);
